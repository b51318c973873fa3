using System.Diagnostics;

namespace Katas.Graders.ProducerConsumer;

/// <summary>
/// One call into the student's code that may have to wait (TryTake on an empty buffer, Add on a full one), run on a
/// grader thread (<see cref="GraderThreads"/>) and watched from the test's thread: has it ended, when, with what.
/// What the call throws is kept as <see cref="Error"/>, never raised on its thread.
/// </summary>
internal sealed class WatchedCall<T>
{
    private readonly GraderThreads _thread;
    private readonly GraderEvent _ended = new(initialState: false);
    private volatile Thread? _runner;

    public WatchedCall(Func<T> call)
    {
        _thread = new GraderThreads().Add(() =>
        {
            var clock = Stopwatch.StartNew();
            _runner = Thread.CurrentThread;
            try
            {
                Result = call();
            }
            catch (Exception e)
            {
                Error = e;
            }

            Elapsed = clock.Elapsed;
            _ended.Set();
        }).Start();
    }

    public T? Result { get; private set; }

    public Exception? Error { get; private set; }

    /// <summary>How long the call took, once it has ended.</summary>
    public TimeSpan Elapsed { get; private set; }

    public bool HasEnded => _ended.IsSet;

    /// <summary>Whether the call ends within <paramref name="limit"/> (then its thread is joined too).</summary>
    public bool EndsWithin(TimeSpan limit) => _ended.Wait(limit) && _thread.Join(limit);

    /// <summary>
    /// Waits until every call has ended or is blocked (its thread waits in Monitor.Wait, a semaphore, an event...), seen
    /// twice in a row, or until <paramref name="limit"/> has passed: then the calls are certainly waiting, not merely not
    /// started yet.
    /// </summary>
    public static void UntilAllWait(IReadOnlyCollection<WatchedCall<T>> calls, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        var seen = 0;
        while (clock.Elapsed < limit && seen < 2)
        {
            Thread.Sleep(20);
            seen = calls.All(call => call.HasEnded || call.IsBlocked) ? seen + 1 : 0;
        }
    }

    private bool IsBlocked => _runner is { } runner && (runner.ThreadState & System.Threading.ThreadState.WaitSleepJoin) != 0;
}
