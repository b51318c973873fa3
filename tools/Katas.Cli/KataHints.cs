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

    /// <summary>"04", "04-locked-counter" or "locked-counter" all name kata 04.</summary>
    public static string Resolve(KataRepository repository, string name)
    {
        var matches = repository.Katas.Where(kata => kata == name || kata.StartsWith(name + "-", StringComparison.Ordinal) || kata[3..] == name).ToList();
        return matches.Count == 1 ? matches[0] : throw new UsageException($"No kata named '{name}'. The katas: {string.Join(", ", repository.Katas)}");
    }

    private static string StatePath(KataRepository repository) => Path.Combine(repository.Root, ".katas", "hints.json");
}
