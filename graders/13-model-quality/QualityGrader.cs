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
    private static readonly TimeSpan s_holdLimit = TimeSpan.FromSeconds(20);

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
        // Two calls one after the other on one thread: a context kept in a static field or per thread is the same object
        // in both, and a context without a seed gives the second call other random numbers.
        var first = GradedRegressor.FastForest();
        var second = GradedRegressor.FastForest();
        var (once, again) = PoolCall.Run("running CalculateQuality(train-small.csv, FastForest) twice, one call after the other", () =>
            (Models.CalculateQuality(GradingData.SmallCsv, first.Regressor, new CappedWriter()),
             Models.CalculateQuality(GradingData.SmallCsv, second.Regressor, new CappedWriter())));

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
        Invariant.Holds(!ReferenceEquals(first.Contexts[0], second.Contexts[0]),
            "Two calls of CalculateQuality, one after the other on one thread, made their trainers with the same MLContext " +
            "object. Every call makes a new `MLContext(seed: 42)` of its own: a context kept for later calls (a static " +
            "field, a [ThreadStatic] field, a cache) hands each call the next part of its random stream, so a trainer " +
            "without a seed of its own trains differently in every call, and the result depends on what ran before." +
            $"\nRead next: {ReadNext}");
        Invariant.Holds(once.Equals(again),
            $"Two calls of CalculateQuality with the same trainer on the same rows returned different R²: {once:R} and {again:R}. " +
            "Make a new `MLContext(seed: 42)` in every call, so that nothing random depends on what ran before (a context " +
            $"without a seed takes a new random seed every time).\nRead next: {ReadNext}");
    }

    [Test]
    public void Two_calls_at_once_keep_their_own_context_and_output()
    {
        // Two calls at the same time, each with its own writer, both held in training until both are there: everything
        // a call keeps outside its own locals (a context, a writer) is then shared while both are inside.
        var alone = (Forest: AloneResults.Forest, Tree: AloneResults.Tree);
        using var bothTraining = new GraderCountdown(2);
        var met = true;
        Action meet = () =>
        {
            bothTraining.Signal();
            if (!bothTraining.Wait(s_holdLimit))
            {
                met = false;
            }
        };
        var forest = GradedRegressor.FastForest(beforeTraining: meet);
        var tree = GradedRegressor.FastTree(beforeTraining: meet);
        var forestOutput = new CappedWriter();
        var treeOutput = new CappedWriter();
        double forestResult = double.NaN, treeResult = double.NaN;
        Exception? forestError = null, treeError = null;
        PoolCall.Run("running CalculateQuality(train-small.csv, FastForest) and CalculateQuality(train-small.csv, FastTree) at once", () =>
        {
            var calls = new[]
            {
                Task.Run(() => forestResult = Models.CalculateQuality(GradingData.SmallCsv, forest.Regressor, forestOutput)),
                Task.Run(() => treeResult = Models.CalculateQuality(GradingData.SmallCsv, tree.Regressor, treeOutput)),
            };
            forestError = Errors(calls[0]);
            treeError = Errors(calls[1]);
            return 0;
        });

        var thrown = forestError ?? treeError;
        Invariant.Holds(forest.Contexts.Count == 1 && tree.Contexts.Count == 1,
            $"Two calls of CalculateQuality at once asked FastForest for {forest.Contexts.Count} and FastTree for " +
            $"{tree.Contexts.Count} trainers; each call asks its regressor once: regressor.CreateTrainer(ml)." +
            (thrown is null ? "" : $" One call threw {thrown.GetType().Name}: {thrown.Message}"));
        Invariant.Holds(!ReferenceEquals(forest.Contexts[0], tree.Contexts[0]),
            "Two calls of CalculateQuality at the same time made their trainers with the same MLContext object. MLContext " +
            "is not thread-safe, and one shared by calls at once hands out its random numbers in whatever order the threads " +
            "ask: every call makes a new `MLContext(seed: 42)` of its own, in a local variable." +
            $"\nRead next: {ReadNext}");
        Invariant.Holds(met,
            $"Two calls of CalculateQuality did not train at the same time: one began training and waited {s_holdLimit.TotalSeconds:0} s " +
            "for the other to begin too, in vain. Calls at once share nothing, so nothing needs to keep them apart: no lock " +
            $"around the whole call.\nRead next: {ReadNext}");
        Invariant.Holds(forestError is null && treeError is null,
            $"Of two calls of CalculateQuality at the same time, {(forestError is not null ? "FastForest's" : "FastTree's")} threw " +
            $"{thrown?.GetType().Name}: {thrown?.Message}. Each call alone returns; at once " +
            $"they must too: they share nothing.\nRead next: {ReadNext}");

        var forestLines = forestOutput.Lines();
        var treeLines = treeOutput.Lines();
        Invariant.Holds(!Printed(treeLines, forest.Name, forestResult) && !Printed(forestLines, tree.Name, treeResult),
            $"Two calls of CalculateQuality at the same time, each with its own writer: a model's line went to the other call's " +
            $"writer. FastForest's writer got:\n{Shown(forestOutput)}\nFastTree's writer got:\n{Shown(treeOutput)}\nEach call " +
            "prints to its own `output` parameter; a writer kept in a static field for later is the last caller's writer." +
            $"\nRead next: {ReadNext}");
        Invariant.Holds(Printed(forestLines, forest.Name, forestResult) && Printed(treeLines, tree.Name, treeResult),
            $"Two calls of CalculateQuality at the same time returned {forestResult:F4} (FastForest) and {treeResult:F4} (FastTree), " +
            $"but did not each print its R² with its model's name to its own writer. FastForest's writer got:\n{Shown(forestOutput)}\n" +
            $"FastTree's writer got:\n{Shown(treeOutput)}\nRead next: {ReadNext}");
        Invariant.Holds(forestResult.Equals(alone.Forest) && treeResult.Equals(alone.Tree),
            $"Two calls of CalculateQuality at the same time returned {forestResult:F6} (FastForest) and {treeResult:F6} (FastTree), " +
            $"but each alone returns {alone.Forest:F6} and {alone.Tree:F6}. Calls at once share nothing: a new MLContext(seed: 42) " +
            $"and everything else in locals of the call.\nRead next: {ReadNext}");
    }

    private static Exception? Errors(Task call)
    {
        try
        {
            call.GetAwaiter().GetResult();
            return null;
        }
        catch (Exception error)
        {
            return error;
        }
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
