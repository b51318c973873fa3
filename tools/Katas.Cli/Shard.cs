namespace Katas.Cli;

/// <summary>
/// `--shard K/N`: the K-th of N parts of a class, so that N machines (a GitHub Actions matrix) grade it together and
/// `katas merge` puts the parts back into one set of reports. Students are dealt round-robin in name order, so every
/// machine that lists the same folder picks the same students, and the parts differ in size by at most one.
/// </summary>
public sealed record Shard(int Index, int Count)
{
    public static Shard All { get; } = new(1, 1);

    public static Shard Parse(string text)
    {
        var parts = text.Split('/');
        return parts.Length == 2 && int.TryParse(parts[0], out var index) && int.TryParse(parts[1], out var count) && count >= 1 && index >= 1 && index <= count
            ? new Shard(index, count)
            : throw new UsageException($"--shard takes K/N with 1 <= K <= N (for example 2/3), not '{text}'.");
    }

    /// <summary>This shard's share of <paramref name="students"/> (in name order, whatever order they are given in).</summary>
    public IReadOnlyList<T> Of<T>(IEnumerable<T> students, Func<T, string> name) =>
        [.. students.OrderBy(name, StringComparer.Ordinal).Where((_, position) => position % Count == Index - 1)];

    public override string ToString() => $"{Index}/{Count}";
}
