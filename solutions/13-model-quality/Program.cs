using System.Diagnostics;
using Katas.Data;

namespace Katas.ModelQuality;

/// <summary>
/// Given. <c>dotnet run --project graders/13-model-quality/Kata [-- [--one-thread] [--small | path/to/train.csv]]</c>:
/// evaluates both models one after another and then in parallel, and prints R² and the times. Without a path it
/// uses data/train.csv (data/train-small.csv with --small), writing a synthetic one with the lesson's columns if the
/// file is not there. With --one-thread every trainer gets NumberOfThreads = 1.
/// </summary>
/// <remarks>
/// One threading mode per run, because ML.NET's FastTree family sets its thread count once per process: the
/// first FastForest or FastTree trained decides for every later one (a static field inside ML.NET). To compare the
/// modes, run the program twice: each run is a process of its own.
/// </remarks>
public static class Program
{
    public static int Main(string[] args)
    {
        var oneThread = args.Contains("--one-thread");
        var small = args.Contains("--small");
        var paths = args.Where(arg => !arg.StartsWith('-')).ToList();
        if (paths.Count > 1 || args.Any(arg => arg.StartsWith('-') && arg is not ("--one-thread" or "--small")) || (small && paths.Count > 0))
        {
            Console.Error.WriteLine("usage: dotnet run --project graders/13-model-quality/Kata [-- [--one-thread] [--small | path/to/train.csv]]");
            return 2;
        }

        var path = paths.Count == 1 ? paths[0]
            : small ? DataFile("train-small.csv", TrainCsvShape.Small)
            : DataFile("train.csv", TrainCsvShape.Full);
        int? threads = oneThread ? 1 : null;
        Console.WriteLine(oneThread
            ? "Trainers on one thread each (NumberOfThreads = 1):"
            : "Trainers with ML.NET's default threading (each uses every core); try --one-thread next:");
        Regressor[] regressors = [Regressor.FastForest(threads), Regressor.FastTree(threads)];
        // On a thread-pool thread, like the evaluations of CalculateQualityInParallel: a one-thread FastTree hands
        // each small step to the thread pool and waits for it, which costs far more when the waiting thread is not a
        // pool thread (it cannot run the step itself), and would make "one after another" look slower than it is.
        var times = regressors
            .Select(regressor => Seconds(() => Task.Run(() => Models.CalculateQuality(path, regressor, Console.Out)).Wait()))
            .ToList();
        var parallel = Seconds(() => Models.CalculateQualityInParallel(path, regressors, Console.Out));
        var sequential = times.Sum();
        Console.WriteLine($"One after another {sequential:F1} s ({string.Join(" + ", times.Select(t => $"{t:F1}"))}); " +
                          $"in parallel {parallel:F1} s: speed-up {sequential / parallel:F2}, ideal on 2+ cores {sequential / times.Max():F2}.");
        return 0;
    }

    private static double Seconds(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalSeconds;
    }

    private static string DataFile(string name, TrainCsvShape shape)
    {
        var path = Path.Combine(RepositoryRoot(), "data", name);
        if (!File.Exists(path))
        {
            Console.WriteLine($"{path} is not there: writing a synthetic one ({shape.Rows} rows, {shape.Features} features, " +
                              $"seed {SyntheticTrainCsv.DefaultSeed}). Drop the lesson's real train.csv there to use it instead.");
        }

        SyntheticTrainCsv.EnsureExists(path, shape);
        Console.WriteLine($"Data: {path}");
        return path;
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(Environment.CurrentDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Katas.sln")))
            {
                return folder.FullName;
            }
        }

        return Environment.CurrentDirectory;
    }
}
