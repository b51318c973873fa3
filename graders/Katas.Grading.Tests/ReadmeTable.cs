using System.Text.RegularExpressions;

namespace Katas.Grading.Tests;

/// <summary>The "What the grader checks" table of a kata's README: one row per promise, the check that holds it in backticks.</summary>
internal static partial class ReadmeTable
{
    /// <summary>The check names (backticked identifiers) in the second column of the tables under <paramref name="heading"/>.</summary>
    public static IReadOnlySet<string> CheckNames(string readme, string heading)
    {
        var lines = File.ReadAllLines(readme);
        var start = Array.FindIndex(lines, line => line.StartsWith(heading, StringComparison.Ordinal));
        start.Should().BeGreaterThanOrEqualTo(0, "{0} must have a section \"{1}\"", readme, heading);

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(start + 1).TakeWhile(line => !line.StartsWith("## ", StringComparison.Ordinal)))
        {
            var cells = line.Split('|');
            // | promise | check | how |  ->  "", promise, check, how, ""
            if (cells.Length >= 4 && line.TrimStart().StartsWith('|'))
            {
                foreach (Match name in CheckName().Matches(cells[2]))
                {
                    names.Add(name.Groups[1].Value);
                }
            }
        }

        return names;
    }

    /// <summary>The checks named on the README's line that starts with <paramref name="marker"/> ("**Core checks**").</summary>
    public static IReadOnlySet<string> NamesOnLine(string readme, string marker)
    {
        var line = File.ReadAllLines(readme).SingleOrDefault(line => line.StartsWith(marker, StringComparison.Ordinal));
        line.Should().NotBeNull("{0} must have a line that starts with {1}", readme, marker);
        return CheckName().Matches(line!).Select(name => name.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
    }

    [GeneratedRegex(@"`([A-Z][A-Za-z0-9_]*)`")]
    private static partial Regex CheckName();
}
