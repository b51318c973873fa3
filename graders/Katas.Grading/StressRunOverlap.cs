namespace Katas.Grading;

/// <summary>
/// Whether the <see cref="GraderThreads"/> of one stress run were inside the student's code at the same time: every
/// thread was still running when the first one ended. A run whose threads ran one after the other on a busy machine
/// cannot show a race, so a check that counts only overlapping runs is not passed by the machine's load.
/// </summary>
/// <remarks>
/// Measured with kata 04's synchronized-increment-only fixture (two threads, 30,000/60,000 increments, 200 runs):
/// on a quiet machine about 195 runs overlapped and the race showed in about 95; with four busy loops on the two cores
/// 13-35 overlapped and the race showed in 4-21. 200 runs could then show nothing (the CI run of stop 18 did).
/// </remarks>
public sealed class StressRunOverlap : IDisposable
{
    private static readonly AsyncLocal<StressRunOverlap?> s_current = new();
    private readonly StressRunOverlap? _outer;
    private volatile bool _seen;

    private StressRunOverlap()
    {
        _outer = s_current.Value;
    }

    /// <summary>The run being observed on this flow (it flows into the threads started for the run), or null.</summary>
    internal static StressRunOverlap? Current => s_current.Value;

    /// <summary>Whether the threads of this run overlapped.</summary>
    public bool Seen => _seen;

    /// <summary>
    /// Observes the grader threads started from here until <see cref="Dispose"/> (threads started later, such as
    /// <see cref="Bounded"/>'s, carry it along).
    /// </summary>
    public static StressRunOverlap Begin()
    {
        var overlap = new StressRunOverlap();
        s_current.Value = overlap;
        return overlap;
    }

    public void Dispose() => s_current.Value = _outer;

    internal void Saw() => _seen = true;
}
