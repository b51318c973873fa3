using Katas.ModelQuality;
using Microsoft.ML;
using Microsoft.ML.Trainers.FastTree;

namespace Katas.Graders.ModelQuality;

/// <summary>
/// A <see cref="Regressor"/> the grader hands to the student's code: the real FastForest or FastTree, on one thread
/// (so that two of them at once can use two cores) and with fewer trees (so that the small data trains in about a
/// second), wrapped in a <see cref="RecordingTrainer"/> for every trainer the student's code asks for.
/// </summary>
public sealed class GradedRegressor
{
    private const int Trees = 100;
    private readonly List<RecordingTrainer> _trainers = [];
    private readonly List<MLContext> _contexts = [];

    private GradedRegressor(string name, Func<MLContext, IEstimator<ITransformer>> create, Action? beforeTraining, Action? afterTraining)
    {
        Name = name;
        Regressor = new Regressor(name, ml =>
        {
            var trainer = new RecordingTrainer(create(ml), beforeTraining, afterTraining);
            lock (_trainers)
            {
                _trainers.Add(trainer);
                _contexts.Add(ml);
            }

            return trainer;
        });
    }

    public string Name { get; }

    public Regressor Regressor { get; }

    /// <summary>Every trainer the student's code made from this regressor, in order.</summary>
    public IReadOnlyList<RecordingTrainer> Trainers
    {
        get
        {
            lock (_trainers)
            {
                return [.. _trainers];
            }
        }
    }

    /// <summary>The MLContext the student's code passed to CreateTrainer, once per trainer, in order.</summary>
    public IReadOnlyList<MLContext> Contexts
    {
        get
        {
            lock (_trainers)
            {
                return [.. _contexts];
            }
        }
    }

    public IReadOnlyList<Training> Trainings => [.. Trainers.SelectMany(trainer => trainer.Trainings)];

    /// <param name="beforeTraining">Runs in Fit before training starts: lets a check hold one model back.</param>
    /// <param name="afterTraining">Runs in Fit after training ended.</param>
    public static GradedRegressor FastForest(Action? beforeTraining = null, Action? afterTraining = null) => new("FastForest",
        ml => ml.Regression.Trainers.FastForest(new FastForestRegressionTrainer.Options { NumberOfThreads = 1, NumberOfTrees = Trees }),
        beforeTraining, afterTraining);

    /// <inheritdoc cref="FastForest"/>
    public static GradedRegressor FastTree(Action? beforeTraining = null, Action? afterTraining = null) =>
        FastTree(Trees, beforeTraining, afterTraining);

    /// <summary>A FastTree of <paramref name="trees"/> trees, named "FastTree" like the others: names may repeat.</summary>
    public static GradedRegressor FastTree(int trees, Action? beforeTraining = null, Action? afterTraining = null) => new("FastTree",
        ml => ml.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options { NumberOfThreads = 1, NumberOfTrees = trees }),
        beforeTraining, afterTraining);
}
