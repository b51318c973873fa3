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

    /// <summary>True when the kata's C# files in the repository's exercises/ are exactly the stub's.</summary>
    public static bool IsUntouched(KataRepository repository, string kata) => IsUntouched(repository, kata, new Submission(repository.Exercises));

    /// <summary>
    /// True when the submission's C# files of the kata are exactly the stub's, as <paramref name="teacher"/>'s checksums
    /// record them: the same files, the same contents. Such a kata is "not started" and earns nothing (<see cref="Scoring"/>).
    /// </summary>
    public static bool IsUntouched(KataRepository teacher, string kata, Submission submission)
    {
        var recorded = File.ReadAllLines(Path.Combine(teacher.Root, RelativePath))
            .Select(line => line.Split("  ", 2))
            .Where(parts => parts.Length == 2 && parts[1].StartsWith($"exercises/{kata}/", StringComparison.Ordinal))
            .ToDictionary(parts => parts[1], parts => parts[0], StringComparer.Ordinal);
        var current = submission.SourceHashes(kata).ToDictionary(
            source => $"exercises/{kata}/{source.Path}", source => source.Hash, StringComparer.Ordinal);
        return recorded.Count > 0 && recorded.Count == current.Count && recorded.All(pair => current.GetValueOrDefault(pair.Key) == pair.Value);
    }
}
