using System.Text.Json;
using System.Text.RegularExpressions;

namespace Katas.Cli;

/// <summary>
/// The hints of a kata's README (the &lt;details&gt; blocks "Hint N" / "Подсказка N"), handed out one at a time:
/// how many a student has seen is kept in .katas/hints.json (git-ignored), so `katas hint 04` gives the next one.
/// </summary>
public static partial class KataHints
{
    [GeneratedRegex(@"<details><summary>(?:Hint|Подсказка) (?<number>\d+)</summary>\s*(?<text>.*?)\s*</details>", RegexOptions.Singleline)]
    private static partial Regex HintBlock();

    public static IReadOnlyList<string> Of(KataRepository repository, string kata, bool russian)
    {
        var readme = Path.Combine(repository.Exercises, kata, russian ? "README.ru.md" : "README.md");
        return File.Exists(readme)
            ? [.. HintBlock().Matches(File.ReadAllText(readme)).OrderBy(match => int.Parse(match.Groups["number"].Value)).Select(match => match.Groups["text"].Value)]
            : [];
    }

    /// <summary>How many hints of each kata the student has seen.</summary>
    public static Dictionary<string, int> Seen(KataRepository repository)
    {
        var path = StatePath(repository);
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(path)) ?? [] : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    public static void MarkSeen(KataRepository repository, string kata, int count)
    {
        var seen = Seen(repository);
        seen[kata] = Math.Max(count, seen.GetValueOrDefault(kata));
        Directory.CreateDirectory(Path.GetDirectoryName(StatePath(repository))!);
        File.WriteAllText(StatePath(repository), JsonSerializer.Serialize(seen, JsonOutput.Options));
    }

    private static string StatePath(KataRepository repository) => Path.Combine(repository.Root, ".katas", "hints.json");
}
