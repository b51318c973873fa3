using System.Diagnostics;

namespace Katas.Grading;

/// <summary>
/// A sequential and a concurrent run of the same work, timed in the same test, one right after the
/// other. Graders judge the ratio, never absolute seconds: a busy machine slows both runs alike.
/// </summary>
public sealed record Speedup(string Work, TimeSpan Sequential, TimeSpan Concurrent)
{
    /// <summary>How many times faster the concurrent run was.</summary>
    public double Ratio => Sequential.TotalMilliseconds / Math.Max(1, Concurrent.TotalMilliseconds);

    /// <summary>Times <paramref name="sequential"/>, then <paramref name="concurrent"/>, each with a time limit.</summary>
    /// <param name="work">What both runs do, in the student's terms ("5 calls of SlowPrint").</param>
    public static Speedup Measure(string work, Action sequential, Action concurrent, TimeSpan limit)
    {
        var sequentialTime = Time(limit, $"running {work} one after another", sequential);
        var concurrentTime = Time(limit, $"running {work} concurrently", concurrent);
        return new Speedup(work, sequentialTime, concurrentTime);
    }

    public static TimeSpan Time(TimeSpan limit, string what, Action action)
    {
        var clock = Stopwatch.StartNew();
        Bounded.Run(limit, what, action);
        return clock.Elapsed;
    }

    /// <summary>The measurement as a student reads it: "one after another 1,002 ms; concurrently 215 ms (4.7x)".</summary>
    public override string ToString() =>
        $"{Work}: one after another {Sequential.TotalMilliseconds:N0} ms; concurrently {Concurrent.TotalMilliseconds:N0} ms ({Ratio:0.0}x)";
}
