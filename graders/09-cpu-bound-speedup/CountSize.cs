using System.Diagnostics;
using Katas.CpuBoundSpeedup;

namespace Katas.Graders.CpuBoundSpeedup;

/// <summary>Sizes <c>Countdown.Count(n)</c> to this machine, so that every timing check takes a fraction of a second.</summary>
internal static class CountSize
{
    private const long Probe = 2_000_000;

    /// <summary>An <c>n</c> for which <c>Countdown.Count(n)</c> takes about <paramref name="duration"/> here, now.</summary>
    public static long Lasting(TimeSpan duration)
    {
        // Best of five: the probe is short, and one preemption would make the machine look slower than it is.
        var fastest = Enumerable.Range(0, 5).Min(_ => Time(Probe));
        return (long)(Probe * (duration.TotalMilliseconds / Math.Max(0.1, fastest.TotalMilliseconds)));
    }

    private static TimeSpan Time(long n)
    {
        var clock = Stopwatch.StartNew();
        GC.KeepAlive(Countdown.Count(n));
        return clock.Elapsed;
    }
}
