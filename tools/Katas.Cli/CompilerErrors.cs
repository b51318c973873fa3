using System.Text.RegularExpressions;

namespace Katas.Cli;

/// <summary>The compiler's errors from a build's output, with paths the student recognises.</summary>
public static partial class CompilerErrors
{
    // "/tmp/x/exercises/04-locked-counter/SharedCounter.cs(12,5): error CS1002: ; expected [/tmp/ws/graders/.../LockedCounter.csproj]"
    [GeneratedRegex(@"^\s*(?<path>[^\s].*?)\((?<line>\d+),(?<column>\d+)\): error (?<code>[A-Z]+\d+): (?<message>.*?)(\s+\[[^\]]+\])?\s*$")]
    private static partial Regex ErrorLine();

    /// <param name="codeRoot">The folder the graded code was compiled from: its paths become "exercises/...".</param>
    /// <param name="repositoryRoot">The graders' repository: its paths become relative to it ("graders/...").</param>
    public static IReadOnlyList<string> From(string buildOutput, string codeRoot, string repositoryRoot)
    {
        var errors = new List<string>();
        foreach (var line in buildOutput.Split('\n'))
        {
            var match = ErrorLine().Match(line);
            if (!match.Success)
            {
                continue;
            }

            var error = $"{Relative(match.Groups["path"].Value, codeRoot, repositoryRoot)}({match.Groups["line"].Value},{match.Groups["column"].Value}): "
                        + $"error {match.Groups["code"].Value}: {match.Groups["message"].Value}";
            if (!errors.Contains(error))
            {
                errors.Add(error);
            }
        }

        return errors;
    }

    /// <summary>True when an error is in the grader, not in the student's file: the student changed a name or signature it uses.</summary>
    public static bool InGrader(string error) => error.StartsWith("graders/", StringComparison.Ordinal);

    private static string Relative(string path, string codeRoot, string repositoryRoot)
    {
        var full = path.Replace('\\', '/');
        var code = codeRoot.Replace('\\', '/').TrimEnd('/') + "/";
        var repository = repositoryRoot.Replace('\\', '/').TrimEnd('/') + "/";
        return full.StartsWith(code, StringComparison.Ordinal) ? "exercises/" + full[code.Length..]
            : full.StartsWith(repository, StringComparison.Ordinal) ? full[repository.Length..]
            : Path.GetFileName(full);
    }
}
