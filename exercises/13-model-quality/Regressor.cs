using Microsoft.ML;
using Microsoft.ML.Trainers.FastTree;

namespace Katas.ModelQuality;

/// <summary>
/// Given: a named recipe for an ML.NET regression trainer, the lesson's <c>RandomForestRegressor()</c> or
/// <c>GradientBoostingRegressor()</c>. An ML.NET trainer belongs to the <see cref="MLContext"/> that made it, so the
/// recipe takes the context: <see cref="Models.CalculateQuality"/> makes one and asks the recipe for its trainer.
/// </summary>
public sealed record Regressor(string Name, Func<MLContext, IEstimator<ITransformer>> CreateTrainer)
{
    /// <summary>A random forest, like scikit-learn's RandomForestRegressor.</summary>
    /// <param name="threads">null: ML.NET uses every core (like n_jobs=-1); 1: one thread.</param>
    public static Regressor FastForest(int? threads = null) =>
        new("FastForest", ml => ml.Regression.Trainers.FastForest(new FastForestRegressionTrainer.Options { NumberOfThreads = threads }));

    /// <summary>Gradient-boosted trees, like scikit-learn's GradientBoostingRegressor.</summary>
    /// <param name="threads">null: ML.NET uses every core; 1: one thread.</param>
    public static Regressor FastTree(int? threads = null) =>
        new("FastTree", ml => ml.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options { NumberOfThreads = threads }));

    public override string ToString() => Name;
}
