using Katas.DelayedStart;

namespace Katas.Graders.DelayedStart;

/// <summary>
/// One DelayedAction on a fake clock, driven by the grader's threads in a race (Coyote's threads in an exploration,
/// real threads behind a start gate in stress runs). Its threads note where they are, so that a run that never ends
/// can be told as "who was waiting where".
/// </summary>
internal sealed class Race
{
    public static readonly TimeSpan Delay = TimeSpan.FromSeconds(1);

    /// <summary>How long the grader's threads may take on real threads (Coyote waits as long as it takes).</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    private readonly object _notes = new();
    private readonly List<string> _where = [];
    private int _runs;

    public Race(Action? action = null)
    {
        Action = new DelayedAction(Delay, () =>
        {
            Interlocked.Increment(ref _runs);
            action?.Invoke();
        }, Clock);
    }

    public RecordingClock Clock { get; } = new();

    public DelayedAction Action { get; }

    public int Runs => Volatile.Read(ref _runs);

    /// <summary>Remembers what a thread is doing now ("Cancel() called", "Cancel() returned true").</summary>
    public void Note(string what)
    {
        lock (_notes)
        {
            _where.Add(what);
        }
    }

    /// <summary>Starts the bodies together on the grader's threads and joins them.</summary>
    public void Run(params Action[] bodies)
    {
        var finished = GraderThreads.Run(Limit, bodies);
        Invariant.Holds(finished, $"The grader's threads did not finish within {Limit.TotalSeconds:0} s. {Where()}");
    }

    /// <summary>
    /// Waits until Completion has ended (canceled, faulted or not: the caller's invariants say which was right). A
    /// Completion that never ends is a run that never ends: Coyote reports it, stress runs time out.
    /// </summary>
    public void WaitForCompletion()
    {
        Note("the grader waits for Completion");
        try
        {
            Action.Completion.Wait();
        }
        catch (AggregateException)
        {
            // Canceled or faulted: the invariants say which was right.
        }

        Note("Completion ended");
    }

    public string Where()
    {
        lock (_notes)
        {
            return _where.Count == 0 ? "" : "What happened, in order: " + string.Join("; ", _where) + ".";
        }
    }

    public string Timers() => $"{Clock.TimersCreated} timer(s) created, {Clock.TimersNotDisposed} of them not disposed";
}
