namespace Katas.Graders.ModelQuality;

/// <summary>
/// Calls the student's code from a thread-pool thread, with the grader's time limit. A one-thread FastTree runs each
/// small step as Task.Run(step).Wait(): on a pool thread the wait runs the step itself; on any other thread (NUnit's
/// test thread, the calling thread that Parallel.For and PLINQ also use) every step is a hand-over to the pool, two to
/// three times slower. Called from the pool, the grader's checks take seconds instead of minutes.
/// </summary>
internal static class PoolCall
{
    public static T Run<T>(string what, Func<T> call) =>
        Bounded.Run(QualityGrader.Limit, what, () => Task.Run(call).GetAwaiter().GetResult());

    /// <summary>What the call threw (unwrapped from its Task), or null; a time-out is still the grader's verdict.</summary>
    public static Exception? Catch(string what, Action call) =>
        Bounded.Catch(QualityGrader.Limit, what, () => Task.Run(call).GetAwaiter().GetResult());
}
