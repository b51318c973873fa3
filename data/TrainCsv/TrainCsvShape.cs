namespace Katas.Data;

/// <summary>How big a synthetic train.csv is: rows, and feature columns after ID and target.</summary>
public sealed record TrainCsvShape(int Rows, int Features)
{
    /// <summary>The size of the lesson's Kaggle file: 4459 rows, 4991 features (about 45 MB).</summary>
    public static TrainCsvShape Full { get; } = new(4459, 4991);

    /// <summary>A few seconds of training per model: what graders use.</summary>
    public static TrainCsvShape Small { get; } = new(1500, 300);
}
