using System.Globalization;
using System.Text.RegularExpressions;
using Katas.ModelQuality;

namespace Katas.Graders.ModelQuality;

/// <summary>
/// CalculateQuality on its own: trained on the 67% training part with the trainer it was given, R² measured on
/// the other 33%, the same split every time, the result printed. The grader's trainer records which rows it trained
/// on and which rows the trained model predicted, so every verdict is about rows, not guesses.
/// </summary>
public sealed partial class QualityGrader
{
    public const string ReadNext = "exercises/13-model-quality/README.md";
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);

    [Test]
    public void R2_is_measured_on_the_test_part_with_the_trainer_given()
    {
        var regressor = GradedRegressor.FastTree();
        var quality = Evaluate(regressor, out _);

        var trainings = regressor.Trainings;
        Invariant.Holds(trainings.Count > 0,
            $"CalculateQuality returned {quality:F4} but never trained the trainer it was given: call " +
            "regressor.CreateTrainer(ml) and Fit that trainer (the grader passes its own FastTree, and checks it is the one trained).\n" +
            $"Read next: {ReadNext}");
        Invariant.Holds(trainings.Count == 1,
            $"CalculateQuality trained the model {trainings.Count} times; once is enough: Fit the trainer on the training part, once.");

        var all = GradingData.AllLabels;
        var trained = trainings[0].Labels;
        Invariant.Holds(trained.Length < all.Length,
            $"CalculateQuality trained on all {all.Length} rows, the test part included. A model judged on rows it has " +
            "already seen scores too well: that R² says nothing about new data. Split first (67% training, 33% test) and " +
            $"Fit on the training part only: `trainer.Fit(split.TrainSet)`.\nRead next: {ReadNext}");
        var share = (double)trained.Length / all.Length;
        Invariant.Holds(share is > 0.60 and < 0.74,
            $"CalculateQuality trained on {Rows.Share(trained.Length, all.Length)}, but the training part is about 67% " +
            "(test size 0.33, as in the lesson's train_test_split(test_size=0.33))." +
            (share < 0.40
                ? " It looks like the fractions are swapped: testFraction is the share of the TEST part, so it is 0.33, " +
                  "and the model trains on the rest."
                : "") + $"\nRead next: {ReadNext}");

        var predictions = regressor.Trainers.SelectMany(trainer => trainer.Predictions()).ToList();
        Invariant.Holds(predictions.Count > 0,
            $"CalculateQuality returned {quality:F4} without ever asking the trained model for predictions: R² compares " +
            "the model's predictions with the true targets, `model.Transform(split.TestSet)` then `ml.Regression.Evaluate`.");

        var matching = predictions.FirstOrDefault(prediction => Math.Abs(prediction.RSquared - quality) < 1e-6);
        Invariant.Holds(matching is not null,
            $"CalculateQuality returned R² = {quality:F6}, but the model's predictions give " +
            string.Join(" and ", predictions.Select(p => $"R² = {p.RSquared:F6} on {Rows.Share(p.Labels.Length, all.Length)}")) +
            ". Return the R² of the test part's predictions: ml.Regression.Evaluate(predictions).RSquared, which is " +
            $"1 - SS_res / SS_tot.\nRead next: {ReadNext}");

        Invariant.Holds(!Rows.Same(matching!.Labels, trained),
            $"CalculateQuality measured R² on the training part ({Rows.Share(trained.Length, all.Length)}), the rows the " +
            $"model learned from: {quality:F4} says how well it remembers, not how well it predicts. Measure it on the test " +
            $"part: `ml.Regression.Evaluate(model.Transform(split.TestSet))`.\nRead next: {ReadNext}");
        Invariant.Holds(Rows.AreTheRest(matching.Labels, trained, all),
            $"CalculateQuality measured R² on {Rows.Share(matching.Labels.Length, all.Length)} that are not the test part: " +
            $"the test part is every row the model did not train on, no more, no less. Use split.TestSet.\nRead next: {ReadNext}");
    }

    [Test]
    public void The_split_and_the_result_are_the_same_every_time()
    {
        var first = GradedRegressor.FastForest();
        var second = GradedRegressor.FastForest();
        var once = Evaluate(first, out _);
        var again = Evaluate(second, out _);

        var all = GradingData.AllLabels;
        Invariant.Holds(first.Trainings.Count == 1 && second.Trainings.Count == 1,
            $"CalculateQuality must train the trainer it was given once per call (it trained {first.Trainings.Count} and then " +
            $"{second.Trainings.Count} times). R2_is_measured_on_the_test_part_with_the_trainer_given says more.");
        Invariant.Holds(Rows.Same(first.Trainings[0].Labels, second.Trainings[0].Labels),
            $"Two calls of CalculateQuality on the same file trained on different rows ({Rows.Share(first.Trainings[0].Labels.Length, all.Length)} " +
            $"the first time, a different {Rows.Share(second.Trainings[0].Labels.Length, all.Length)} the second), so their R² " +
            $"({once:F4} and {again:F4}) cannot be compared. The split must be the same every time, like the lesson's " +
            "random_state=42: give TrainTestSplit `seed: 42`, and make a new `MLContext(seed: 42)` in every call. A context " +
            "shared by several calls (a static field) hands each call a different part of its random stream, and it is not " +
            $"thread-safe either.\nRead next: {ReadNext}");
        Invariant.Holds(once.Equals(again),
            $"Two calls of CalculateQuality with the same trainer on the same rows returned different R²: {once:R} and {again:R}. " +
            "Make a new `MLContext(seed: 42)` in every call, so that nothing random depends on what ran before.\n" +
            $"Read next: {ReadNext}");
    }

    [Test]
    public void The_R2_is_printed_with_the_models_name()
    {
        var regressor = GradedRegressor.FastForest();
        var quality = Evaluate(regressor, out var output);
        Invariant.Holds(Printed(output.Lines(), regressor.Name, quality),
            $"CalculateQuality returned R² = {quality:F4} for {regressor.Name} but did not print it on one line with the " +
            $"model's name, like \"{regressor.Name}: R² = {quality.ToString("F4", CultureInfo.InvariantCulture)}\". It printed:\n" +
            $"{Shown(output)}\nWrite to the `output` parameter (the grader reads it), not to Console.");
    }

    public static double Evaluate(GradedRegressor regressor, out CappedWriter output)
    {
        var writer = new CappedWriter();
        output = writer;
        return PoolCall.Run($"running CalculateQuality(train-small.csv, {regressor.Name})",
            () => Models.CalculateQuality(GradingData.SmallCsv, regressor.Regressor, writer));
    }

    /// <summary>A line naming the model and showing its R² rounded to 2 to 6 decimals, with a point or a comma.</summary>
    public static bool Printed(IEnumerable<string> lines, string name, double quality) =>
        lines.Any(line => line.Contains(name, StringComparison.Ordinal) && Number().Matches(line).Any(number =>
        {
            var decimals = number.Value.Length - number.Value.IndexOfAny(['.', ',']) - 1;
            return decimals is >= 2 and <= 6 &&
                   double.TryParse(number.Value.Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture, out var shown) &&
                   Math.Abs(shown - quality) <= 0.51 * Math.Pow(10, -decimals);
        }));

    public static string Shown(CappedWriter output)
    {
        var lines = output.Lines();
        return lines.Count == 0 ? "(nothing)" : string.Join("\n", lines.Take(10).Select(line => "  " + line));
    }

    [GeneratedRegex(@"-?\d+[.,]\d+")]
    private static partial Regex Number();
}
