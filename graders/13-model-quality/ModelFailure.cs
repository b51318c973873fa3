namespace Katas.Graders.ModelQuality;

/// <summary>The exception a grader's model throws from its training: the one the caller of CalculateQualityInParallel must see.</summary>
public sealed class ModelFailure(string model)
    : InvalidOperationException($"{model} could not be trained (the grader made its training fail on purpose).")
{
    /// <summary>An exception and everything inside it (a Task, Parallel or an AggregateException of your own wraps what was thrown).</summary>
    public static IEnumerable<Exception> Within(Exception error)
    {
        yield return error;
        var inner = error is AggregateException aggregate ? aggregate.InnerExceptions : error.InnerException is { } one ? [one] : [];
        foreach (var exception in inner.SelectMany(Within))
        {
            yield return exception;
        }
    }
}
