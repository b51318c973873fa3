using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Katas.Graders.ModelQuality;

/// <summary>What one Fit saw: the labels of the rows it trained on, and when it ran.</summary>
public sealed record Training(float[] Labels, long Started, long Finished, bool OnThreadPool);

/// <summary>Rows the trained model predicted (one Transform), read back after the student's code returned.</summary>
public sealed record Prediction(float[] Labels, float[] Scores)
{
    /// <summary>1 - SS_res / SS_tot, the definition of R², computed here in double.</summary>
    public double RSquared
    {
        get
        {
            var mean = Labels.Average(label => (double)label);
            double residual = 0, total = 0;
            for (var i = 0; i < Labels.Length; i++)
            {
                residual += Math.Pow(Labels[i] - (double)Scores[i], 2);
                total += Math.Pow(Labels[i] - mean, 2);
            }

            return 1 - residual / total;
        }
    }
}

/// <summary>
/// Wraps the real trainer a regressor makes, so that the grader sees which rows the student's code trained on,
/// which rows it then predicted, and when training ran. It trains exactly like the trainer it wraps.
/// </summary>
public sealed class RecordingTrainer(IEstimator<ITransformer> trainer, Action? beforeTraining, Action? afterTraining)
    : IEstimator<ITransformer>
{
    private readonly List<Training> _trainings = [];
    private readonly List<IDataView> _predicted = [];

    public IReadOnlyList<Training> Trainings
    {
        get
        {
            lock (_trainings)
            {
                return [.. _trainings];
            }
        }
    }

    public ITransformer Fit(IDataView input)
    {
        var labels = input.GetColumn<float>("Label").ToArray();
        beforeTraining?.Invoke();
        var started = Stopwatch.GetTimestamp();
        var model = trainer.Fit(input);
        var finished = Stopwatch.GetTimestamp();
        lock (_trainings)
        {
            _trainings.Add(new Training(labels, started, finished, Thread.CurrentThread.IsThreadPoolThread));
        }

        afterTraining?.Invoke();
        return new RecordingModel(model, this);
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => trainer.GetOutputSchema(inputSchema);

    /// <summary>Reads every Transform output back: lazily made views are only enumerated here, after the call.</summary>
    public IReadOnlyList<Prediction> Predictions()
    {
        IDataView[] views;
        lock (_trainings)
        {
            views = [.. _predicted];
        }

        return [.. views.Select(view => new Prediction(
            view.GetColumn<float>("Label").ToArray(),
            view.GetColumn<float>("Score").ToArray()))];
    }

    private void Predicted(IDataView view)
    {
        lock (_trainings)
        {
            _predicted.Add(view);
        }
    }

    private sealed class RecordingModel(ITransformer model, RecordingTrainer trainer) : ITransformer
    {
        public bool IsRowToRowMapper => model.IsRowToRowMapper;

        public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => model.GetOutputSchema(inputSchema);

        public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => model.GetRowToRowMapper(inputSchema);

        public IDataView Transform(IDataView input)
        {
            var output = model.Transform(input);
            trainer.Predicted(output);
            return output;
        }

        void ICanSaveModel.Save(ModelSaveContext ctx) => model.Save(ctx);
    }
}
