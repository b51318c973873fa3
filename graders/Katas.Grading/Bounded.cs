using System.Runtime.ExceptionServices;

namespace Katas.Grading;

/// <summary>
/// Runs student code with a time limit. NUnit's timeouts cannot stop a thread that is stuck in a
/// deadlock or an endless loop on .NET, so every run of untrusted code goes through here instead.
/// </summary>
public static class Bounded
{
    /// <summary>Runs <paramref name="action"/>; fails the test with "timed out" if it takes longer than <paramref name="limit"/>.</summary>
    /// <param name="what">What the code was doing, in the student's terms ("running LockedCounterProgram.Run").</param>
    public static void Run(TimeSpan limit, string what, Action action)
    {
        RealThreads.MustRunUnrewritten(what);
        if (!TryRun(limit, action, out var error))
        {
            throw new GradingTimeoutException(
                $"Timed out after {limit.TotalSeconds:0.#} s while {what}. Your code did not finish: most likely a deadlock " +
                "(two threads each waiting for something the other holds) or an endless loop. The stuck thread was abandoned; " +
                "fix the code and run the grader again.");
        }

        if (error is not null)
        {
            ExceptionDispatchInfo.Capture(error).Throw();
        }
    }

    /// <summary>Runs <paramref name="action"/> and returns its result, with the same time limit as <see cref="Run"/>.</summary>
    public static T Run<T>(TimeSpan limit, string what, Func<T> action)
    {
        T result = default!;
        Run(limit, what, () => { result = action(); });
        return result;
    }

    /// <summary>
    /// Runs <paramref name="action"/> like <see cref="Run"/> and returns the exception the student's code threw, or null
    /// when it returned: for checks of what the code throws. A time-out is still the grader's verdict and is thrown.
    /// </summary>
    public static Exception? Catch(TimeSpan limit, string what, Action action)
    {
        try
        {
            Run(limit, what, action);
            return null;
        }
        catch (Exception e) when (e is not GradingTimeoutException)
        {
            return e;
        }
    }

    /// <summary>Runs <paramref name="action"/> on a background thread; false if it did not finish in time.</summary>
    public static bool TryRun(TimeSpan limit, Action action, out Exception? error)
    {
        Exception? caught = null;
        // A background thread: if the student's code never returns, it must not keep the test host alive.
        var worker = new Thread(() =>
        {
            try
            {
                action();
            }
            catch (Exception e)
            {
                caught = e;
            }
        })
        { IsBackground = true };
        worker.Start();
        var finished = worker.Join(limit);
        error = caught;
        return finished;
    }
}

/// <summary>Student code did not finish within its time limit.</summary>
public sealed class GradingTimeoutException(string message) : Exception(message);
