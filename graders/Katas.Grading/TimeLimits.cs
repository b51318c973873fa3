namespace Katas.Grading;

/// <summary>
/// Time limits for calls into student code that shrink once the code has hung: after the first time-out in this test
/// process, every later call gets at most <see cref="AfterAHang"/>. Code that hung in one check (an endless loop, a
/// Join that never returns) almost always hangs in the next ones too, and a grader of six checks with a minute each
/// would run into the kata's own limit (5 minutes) and lose every message: measured with kata 03's read loop that
/// never ends (`> 0` -> `>= 0`), five checks of 60 s each took the whole 306 s and the run was killed.
/// </summary>
public static class TimeLimits
{
    private static int s_hangs;

    /// <summary>The most a call may take once something has hung: far more than any correct call of the katas needs.</summary>
    public static TimeSpan AfterAHang { get; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether a call run through <see cref="Run"/> has timed out in this process.</summary>
    public static bool SomethingHung => Volatile.Read(ref s_hangs) > 0;

    /// <summary><paramref name="normal"/>, or <see cref="AfterAHang"/> if that is shorter and something has hung.</summary>
    public static TimeSpan For(TimeSpan normal) => SomethingHung && normal > AfterAHang ? AfterAHang : normal;

    /// <summary><see cref="Bounded.Run(TimeSpan, string, Action)"/> with the limit of <see cref="For"/>; a time-out shrinks later limits.</summary>
    public static void Run(TimeSpan normal, string what, Action action)
    {
        try
        {
            Bounded.Run(For(normal), what, action);
        }
        catch (GradingTimeoutException)
        {
            Interlocked.Increment(ref s_hangs);
            throw;
        }
    }

    /// <summary><see cref="Run(TimeSpan, string, Action)"/> with a result.</summary>
    public static T Run<T>(TimeSpan normal, string what, Func<T> action)
    {
        T result = default!;
        Run(normal, what, () => { result = action(); });
        return result;
    }
}
