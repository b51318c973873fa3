using Katas.ModelQuality;

namespace Katas.Graders.ModelQuality;

/// <summary>
/// A broken data file must stop CalculateQuality with an error that names the file and the problem
/// (TrainCsvReader.Load says both; the student's code must let it through), never an R² of nothing.
/// </summary>
public sealed class BadInputGrader
{
    public static IEnumerable<TestCaseData> BadFiles()
    {
        yield return new TestCaseData("a missing file", null, "does not exist").SetName("A_missing_file_stops_CalculateQuality_with_a_clear_error");
        yield return new TestCaseData("an empty file", "", "is empty").SetName("An_empty_file_stops_CalculateQuality_with_a_clear_error");
        yield return new TestCaseData("a file without a target column", "ID,48df886f9,0deb4b6a8\nab12cd34e,0,1.5\nbc23de45f,2,0\n",
            "no 'target' column").SetName("A_file_without_a_target_column_stops_CalculateQuality_with_a_clear_error");
        yield return new TestCaseData("a file with a word where a number belongs",
            "ID,target,48df886f9\nab12cd34e,38000000.0,0\nbc23de45f,600000.0,n/a\ncd34ef56a,1000000.0,2000\n",
            "is not a number").SetName("A_word_in_a_number_column_stops_CalculateQuality_with_a_clear_error");
    }

    [TestCaseSource(nameof(BadFiles))]
    public void A_bad_data_file_stops_CalculateQuality_with_a_clear_error(string kind, string? contents, string problem)
    {
        var path = contents is null ? GradingData.MissingFile : GradingData.FileNamed(kind.Replace(' ', '-') + ".csv", contents);
        double? returned = null;
        var error = PoolCall.Catch($"running CalculateQuality on {kind}",
            () => returned = Models.CalculateQuality(path, GradedRegressor.FastForest().Regressor, new CappedWriter()));
        MustBeReported(error, $"CalculateQuality on {kind} ({path})", returned is { } r2 ? $"returned R² = {r2}" : "returned", path, problem);
    }

    [Test]
    public void A_bad_data_file_stops_CalculateQualityInParallel_too()
    {
        IReadOnlyList<double>? returned = null;
        var path = GradingData.MissingFile;
        var error = PoolCall.Catch("running CalculateQualityInParallel on a missing file",
            () => returned = Models.CalculateQualityInParallel(path,
                [GradedRegressor.FastForest().Regressor, GradedRegressor.FastTree().Regressor], new CappedWriter()));
        MustBeReported(error, $"CalculateQualityInParallel on a missing file ({path})",
            returned is null ? "returned" : $"returned [{string.Join(", ", returned)}]", path, "does not exist");
    }

    private static void MustBeReported(Exception? error, string call, string returned, string path, string problem)
    {
        Invariant.Holds(error is not null,
            $"{call} {returned} as if nothing had gone wrong. A result from a file that could not be read means nothing: " +
            "let the exception from TrainCsvReader.Load reach the caller (do not catch it, or rethrow it), so that whoever " +
            $"runs the program sees what is wrong with the file.\nRead next: {QualityGrader.ReadNext}");
        var messages = Messages(error!).ToList();
        Invariant.Holds(messages.Any(message => message.Contains(path, StringComparison.Ordinal) && message.Contains(problem, StringComparison.Ordinal)),
            $"{call} threw {error!.GetType().Name}: {error.Message}\nThe error must name the file and say what is wrong with it " +
            $"(\"{problem}\"), as TrainCsvReader.Load's error does: let that exception through instead of replacing it.");
    }

    /// <summary>The messages of an exception and of everything inside it (a Task or Parallel wraps what was thrown).</summary>
    private static IEnumerable<string> Messages(Exception error)
    {
        yield return error.Message;
        var inner = error is AggregateException aggregate ? aggregate.InnerExceptions : error.InnerException is { } one ? [one] : [];
        foreach (var message in inner.SelectMany(Messages))
        {
            yield return message;
        }
    }
}
