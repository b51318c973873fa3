using Katas.Data;
using Microsoft.ML;

namespace Katas.ModelQuality;

/// <summary>The lesson's calculate_quality, and both models evaluated at the same time. See README.md.</summary>
public static class Models
{
    public const int Seed = 42;
    public const double TestFraction = 0.33;

    /// <summary>
    /// Loads <paramref name="csvPath"/> with <see cref="TrainCsvReader.Load"/>, splits it 67/33 with seed 42, trains the
    /// regressor's trainer on the 67%, and prints and returns R² on the 33%: a line "&lt;name&gt;: R² = 0.1234". Every call
    /// has a new <c>MLContext(seed: 42)</c> of its own: calls may run at the same time and share nothing.
    /// </summary>
    public static double CalculateQuality(string csvPath, Regressor regressor, TextWriter output)
    {
        // TODO: new MLContext(seed: Seed), TrainCsvReader.Load, ml.Data.TrainTestSplit, Fit, Transform, ml.Regression.Evaluate.
        throw new NotImplementedException("CalculateQuality is not written yet: see exercises/13-model-quality/README.md.");
    }

    /// <summary>
    /// Evaluates every regressor at the same time, each on its own thread, and returns their R² in the order of
    /// <paramref name="regressors"/>. Lines printed at the same time come out whole; an evaluation's exception reaches the caller.
    /// </summary>
    public static IReadOnlyList<double> CalculateQualityInParallel(string csvPath, IReadOnlyList<Regressor> regressors, TextWriter output)
    {
        // TODO: one CalculateQuality per regressor, all started before you wait for any.
        throw new NotImplementedException("CalculateQualityInParallel is not written yet: see exercises/13-model-quality/README.md.");
    }
}
