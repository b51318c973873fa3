namespace Katas.Data;

/// <summary>One row of train.csv as ML.NET sees it: the target as Label, every feature column as Features.</summary>
public sealed class TrainRow
{
    public float Label { get; set; }

    public float[] Features { get; set; } = [];
}
