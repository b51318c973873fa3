using Katas.Data;
using Microsoft.ML;

namespace Katas.ModelQuality;

/// <summary>The lesson's calculate_quality, and both models evaluated at the same time.</summary>
public static class Models
{
    public const int Seed = 42;
    public const double TestFraction = 0.33;

    public static double CalculateQuality(string csvPath, Regressor regressor, TextWriter output)
    {
        // A context of its own for every call: MLContext is not thread-safe, and one shared by several calls hands
        // each of them a different part of its random stream, so results would depend on who ran first.
        var ml = new MLContext(seed: Seed);
        var data = TrainCsvReader.Load(ml, csvPath);
        var split = ml.Data.TrainTestSplit(data, testFraction: TestFraction, seed: Seed);
        var model = regressor.CreateTrainer(ml).Fit(split.TrainSet);
        var quality = ml.Regression.Evaluate(model.Transform(split.TestSet)).RSquared;
        output.WriteLine($"{regressor.Name}: R² = {quality:F4}");
        return quality;
    }

    public static IReadOnlyList<double> CalculateQualityInParallel(string csvPath, IReadOnlyList<Regressor> regressors, TextWriter output)
    {
        // TextWriter is not thread-safe: two models finishing at once could mix their lines.
        var synchronizedOutput = TextWriter.Synchronized(output);
        var evaluations = regressors.Select(regressor => Task.Run(() => CalculateQuality(csvPath, regressor, synchronizedOutput)));
        // WhenAll keeps the order of its tasks, whatever order they finish in; it throws what a task threw.
        return Task.WhenAll(evaluations).GetAwaiter().GetResult();
    }
}
