using Katas.Data;

namespace Katas.Graders.ModelQuality;

/// <summary>
/// The small synthetic train.csv every check trains on (a few seconds per model), written once per test run into
/// a folder of its own and removed afterwards. The grader never reads data/: a teacher's real train.csv there is
/// for the kata's program, not for grading.
/// </summary>
[SetUpFixture]
public sealed class GradingData
{
    private static readonly Lazy<string> s_folder = new(() =>
        Directory.CreateTempSubdirectory("katas-13-model-quality-").FullName);

    private static readonly Lazy<string> s_smallCsv = new(() =>
    {
        var path = Path.Combine(s_folder.Value, "train-small.csv");
        SyntheticTrainCsv.Write(path, TrainCsvShape.Small);
        return path;
    });

    private static readonly Lazy<float[]> s_labels = new(() =>
        [.. TrainCsvReader.ReadRows(s_smallCsv.Value, out _).Select(row => row.Label)]);

    public static string SmallCsv => s_smallCsv.Value;

    /// <summary>Every target value of <see cref="SmallCsv"/>.</summary>
    public static float[] AllLabels => s_labels.Value;

    /// <summary>A file in this run's own folder, for the bad-input checks.</summary>
    public static string FileNamed(string name, string contents)
    {
        var path = Path.Combine(s_folder.Value, name);
        File.WriteAllText(path, contents);
        return path;
    }

    public static string MissingFile => Path.Combine(s_folder.Value, "no-such-train.csv");

    [OneTimeTearDown]
    public void RemoveFolder()
    {
        if (s_folder.IsValueCreated)
        {
            Directory.Delete(s_folder.Value, recursive: true);
        }
    }
}
