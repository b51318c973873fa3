using System.Diagnostics;
using Katas.Data;
using Katas.ModelQuality;
using Microsoft.ML;

// One measurement per process (ML.NET's FastTree family fixes its thread count per process):
//   steps <csv> <threads|default>          load, train and evaluate each model one after another, timed apart
//   parallel <csv> <threads|default>       both models through Models.CalculateQualityInParallel
//   one <csv> <threads|default> <model>    one model through Models.CalculateQuality (run two such processes at once)
//   ensure <csv> default                    write the synthetic full-size file if it is not there
// Prints one line of key=value pairs for bench/model-quality.sh.
if (args is not [var mode, var csv, var threadsText, ..])
{
    Console.Error.WriteLine("usage: steps|parallel|one <csv> <threads|default> [FastForest|FastTree]");
    return 2;
}

int? threads = threadsText == "default" ? null : int.Parse(threadsText);
Regressor[] regressors = [Regressor.FastForest(threads), Regressor.FastTree(threads)];
var clock = Stopwatch.StartNew();
switch (mode)
{
    case "steps":
        foreach (var regressor in regressors)
        {
            // On a pool thread, like the evaluations of CalculateQualityInParallel (see the kata's Program.cs).
            Task.Run(() =>
            {
                var ml = new MLContext(seed: Models.Seed);
                var step = Stopwatch.StartNew();
                var data = TrainCsvReader.Load(ml, csv);
                var split = ml.Data.TrainTestSplit(data, testFraction: Models.TestFraction, seed: Models.Seed);
                var load = step.Elapsed.TotalSeconds;
                step.Restart();
                var model = regressor.CreateTrainer(ml).Fit(split.TrainSet);
                var train = step.Elapsed.TotalSeconds;
                step.Restart();
                var quality = ml.Regression.Evaluate(model.Transform(split.TestSet)).RSquared;
                Console.WriteLine($"{regressor.Name} load={load:F1} train={train:F1} evaluate={step.Elapsed.TotalSeconds:F1} r2={quality:F4}");
            }).Wait();
        }

        break;
    case "parallel":
        var results = Models.CalculateQualityInParallel(csv, regressors, TextWriter.Null);
        Console.WriteLine($"parallel wall={clock.Elapsed.TotalSeconds:F1} r2={string.Join("/", results.Select(r => r.ToString("F4")))}");
        break;
    case "ensure":
        SyntheticTrainCsv.EnsureExists(csv, TrainCsvShape.Full);
        break;
    case "one" when args.Length == 4:
        var only = regressors.Single(r => r.Name == args[3]);
        var r2 = Task.Run(() => Models.CalculateQuality(csv, only, TextWriter.Null)).Result;
        Console.WriteLine($"{only.Name} wall={clock.Elapsed.TotalSeconds:F1} r2={r2:F4}");
        break;
    default:
        Console.Error.WriteLine($"unknown mode {mode}");
        return 2;
}

return 0;
