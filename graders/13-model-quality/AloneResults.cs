namespace Katas.Graders.ModelQuality;

/// <summary>
/// What each of the grader's models gets when CalculateQuality runs it alone: what a parallel run must return too.
/// Measured once per test run (each takes seconds); the split check proves separately that a call repeats itself.
/// </summary>
internal static class AloneResults
{
    private static readonly Lazy<double> s_tree = new(() => QualityGrader.Evaluate(GradedRegressor.FastTree(), out _));
    private static readonly Lazy<double> s_forest = new(() => QualityGrader.Evaluate(GradedRegressor.FastForest(), out _));
    private static readonly Lazy<double> s_smallTree = new(() => QualityGrader.Evaluate(GradedRegressor.FastTree(3), out _));

    /// <summary>[FastTree, FastForest].</summary>
    public static IReadOnlyList<double> Two => [s_tree.Value, s_forest.Value];

    /// <summary>[FastTree, FastForest, FastTree of 3 trees].</summary>
    public static IReadOnlyList<double> Three => [s_tree.Value, s_forest.Value, s_smallTree.Value];

    public static double Tree => s_tree.Value;

    public static double Forest => s_forest.Value;
}
