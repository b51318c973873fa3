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
        if (!TryRun(limit, action, out var error, out var busy))
        {
            throw new GradingTimeoutException($"Timed out after {limit.TotalSeconds:0.#} s while {what}. " + WhyStuck(busy));
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
    public static bool TryRun(TimeSpan limit, Action action, out Exception? error) => TryRun(limit, action, out error, out _);

    /// <param name="busy">When it did not finish: the share of the time limit its thread spent on a core (0 to 1), or null
    /// when this system does not say.</param>
    public static bool TryRun(TimeSpan limit, Action action, out Exception? error, out double? busy)
    {
        Exception? caught = null;
        int? osThread = null;
        // A background thread: if the student's code never returns, it must not keep the test host alive.
        var worker = new Thread(() =>
        {
            osThread = ThreadCpu.CurrentOsThreadId();
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
        busy = finished || osThread is not { } id || ThreadCpu.Of(id) is not { } cpu ? null : Math.Min(1, cpu / limit);
        return finished;
    }

    private const string Abandoned = "The stuck thread was abandoned; fix the code and run the grader again.";

    /// <summary>
    /// Why a call did not return, from what its thread did meanwhile: a thread blocked in Wait, Join or Monitor.Enter
    /// hardly runs, a spinning one runs most of the time (BoundedTests hold both); 20% leaves room for a spinning thread
    /// that shares the cores with other work.
    /// </summary>
    private static string WhyStuck(double? busy) => busy switch
    {
        >= 0.2 => $"Your code did not return, and it kept a core busy all that time ({busy:P0} of it): an endless loop? " +
                  $"(a loop whose condition never changes, or a spin-wait for something that never happens). {Abandoned}",
        not null => $"Your code did not return, and it was waiting, not computing ({busy:P0} of the time on a core): a wait " +
                    "that never ends: a lock or a semaphore slot taken and never given back, a Wait or Join on something that " +
                    $"never finishes, or a deadlock (two threads each waiting for something the other holds). {Abandoned}",
        _ => "Your code did not finish: an endless loop, or a wait that never ends (a lock never released, or a deadlock: two " +
             $"threads each waiting for something the other holds). {Abandoned}",
    };
}

/// <summary>Student code did not finish within its time limit.</summary>
public sealed class GradingTimeoutException(string message) : Exception(message);
