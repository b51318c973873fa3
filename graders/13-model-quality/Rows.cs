namespace Katas.Graders.ModelQuality;

/// <summary>Rows told apart by their target values, compared as multisets (a target value may repeat).</summary>
public static class Rows
{
    public static bool Same(IEnumerable<float> some, IEnumerable<float> others) =>
        some.Order().SequenceEqual(others.Order());

    /// <summary>True if <paramref name="predicted"/> is exactly the rows of <paramref name="all"/> not in <paramref name="trained"/>.</summary>
    public static bool AreTheRest(IEnumerable<float> predicted, IEnumerable<float> trained, IEnumerable<float> all) =>
        Same(trained.Concat(predicted), all);

    public static string Share(int count, int total) => $"{count} of {total} rows ({100.0 * count / total:0}%)";
}
