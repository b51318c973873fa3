using System.Collections.Concurrent;
using Katas.ProducerConsumer;

namespace Katas.Graders.ProducerConsumer;

/// <summary>
/// The work a grader gives the student's pipeline, wrapped so that the grader knows what happened to every item: how
/// often it was processed, how many items were in the work at once, and which threads ran the work (and which threads
/// called the pipeline: the work must never run on those).
/// </summary>
internal sealed class WorkProbe(int items)
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(10);
    // The threads that ran the work, and whether each is a thread-pool thread (asked while it runs: a dead thread cannot tell).
    private readonly ConcurrentDictionary<Thread, bool> _workers = new();
    private readonly ConcurrentDictionary<Thread, byte> _callers = new();
    private readonly int[] _processed = new int[items];
    private int _inside;
    private int _mostInside;
    private int _begun;
    private int _ended;

    /// <summary>How many times each item's work was called.</summary>
    public IReadOnlyList<int> Processed => _processed;

    /// <summary>Items in the work right now.</summary>
    public int Inside => Volatile.Read(ref _inside);

    /// <summary>The most items that were in the work at once.</summary>
    public int MostInside => Volatile.Read(ref _mostInside);

    /// <summary>Work calls begun so far.</summary>
    public int Begun => Volatile.Read(ref _begun);

    /// <summary>Work calls ended so far (returned or thrown).</summary>
    public int Ended => Volatile.Read(ref _ended);

    /// <summary>The work for the pipeline: <paramref name="work"/>, counted.</summary>
    public Func<int, int> Wrap(Func<int, int> work) => item =>
    {
        _workers.TryAdd(Thread.CurrentThread, Thread.CurrentThread.IsThreadPoolThread);
        Interlocked.Increment(ref _processed[item]);
        Interlocked.Increment(ref _begun);
        var inside = Interlocked.Increment(ref _inside);
        InterlockedMax(ref _mostInside, inside);
        try
        {
            return work(item);
        }
        finally
        {
            Interlocked.Decrement(ref _inside);
            Interlocked.Increment(ref _ended);
        }
    };

    /// <summary>Notes that the current thread calls the pipeline (Add, Start, Complete): the work must not run on it.</summary>
    public void Caller() => _callers.TryAdd(Thread.CurrentThread, 0);

    /// <summary>Waits (up to 10 s) until <paramref name="count"/> work calls have ended.</summary>
    public bool UntilEnded(int count)
    {
        var deadline = DateTime.UtcNow + s_limit;
        while (Ended < count && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(5);
        }

        return Ended >= count;
    }

    /// <summary>
    /// After Complete: the work ran only on the pipeline's threads, those threads have ended (the pipeline's own threads:
    /// thread-pool threads never end), and then the pipeline is disposed. Never dispose earlier: a consumer still running
    /// when its queue is disposed throws on its own thread, and that ends the test process.
    /// </summary>
    public void Finish<TOut>(Pipeline<int, TOut> pipeline, string readNext)
    {
        var onCallers = _workers.Keys.Count(_callers.ContainsKey);
        Invariant.Holds(onCallers == 0,
            "The work ran on the thread that called Add, Start or Complete, not on a consumer thread: the pipeline's consumer " +
            "threads (started in the constructor) take the items from the queue and apply the work; Add only puts an item in " +
            $"the queue, and Complete only waits for the consumers. Read next: {readNext}");

        var running = _workers.Where(worker => !worker.Value && !worker.Key.Join(s_limit)).ToList();
        Invariant.Holds(running.Count == 0,
            $"Complete returned, but {running.Count} consumer thread(s) that ran the work were still running {s_limit.TotalSeconds:0} s " +
            "later: Complete must wait until every consumer has finished (CompleteAdding, then Join each consumer thread). " +
            $"Read next: {readNext}");

        Bounded.Run(s_limit, "calling Dispose after Complete returned", pipeline.Dispose);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current && Interlocked.CompareExchange(ref target, value, current) != current)
        {
            current = Volatile.Read(ref target);
        }
    }
}
