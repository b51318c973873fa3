using System.Text;

namespace Katas.Cli;

/// <summary>
/// graders/stubs.sha256: a checksum of every C# file of every stub as the template gives it, so that `katas status`
/// can tell a kata nobody has touched ("not started") from one that fails, without running its grader.
/// </summary>
public static class StubChecksums
{
    public const string RelativePath = "graders/stubs.sha256";

    public static string Of(KataRepository repository)
    {
        var text = new StringBuilder();
        foreach (var kata in repository.Katas)
        {
            foreach (var (file, hash) in new Submission(repository.Exercises).SourceHashes(kata))
            {
                text.Append(hash).Append("  exercises/").Append(kata).Append('/').Append(file).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>True when the kata's C# files are exactly the stub's: the same files, the same contents.</summary>
    public static bool IsUntouched(KataRepository repository, string kata)
    {
        var recorded = File.ReadAllLines(Path.Combine(repository.Root, RelativePath))
            .Select(line => line.Split("  ", 2))
            .Where(parts => parts.Length == 2 && parts[1].StartsWith($"exercises/{kata}/", StringComparison.Ordinal))
            .ToDictionary(parts => parts[1], parts => parts[0], StringComparer.Ordinal);
        var current = new Submission(repository.Exercises).SourceHashes(kata).ToDictionary(
            source => $"exercises/{kata}/{source.Path}", source => source.Hash, StringComparer.Ordinal);
        return recorded.Count > 0 && recorded.Count == current.Count && recorded.All(pair => current.GetValueOrDefault(pair.Key) == pair.Value);
    }
}
