using System.Diagnostics;

namespace Katas.Graders.CpuBoundSpeedup;

/// <summary>
/// A job whose copies wait for each other: each one, once started, waits until every copy has started.
/// Copies that really run at the same time meet at once; copies run one after another never meet, and the
/// first one gives up after <see cref="Patience"/>. This proves "at the same time" without judging speed.
/// Each copy also notes the thread it ran on: while the copies wait for each other, no thread can run two of them.
/// </summary>
internal sealed class Rendezvous
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(2);

    private readonly int _copies;
    private readonly CopyThread?[] _threads;
    private int _started;
    private volatile string? _gaveUp;

    public Rendezvous(int copies)
    {
        _copies = copies;
        _threads = new CopyThread?[copies];
    }

    /// <summary>Set when a copy waited in vain: "copy 0 waited 2 s, but only 1 of 3 copies had started".</summary>
    public string? GaveUp => _gaveUp;

    /// <summary>Where each copy ran (null: it never ran).</summary>
    public IReadOnlyList<CopyThread?> Threads => _threads;

    public long Job(int copy)
    {
        if (copy >= 0 && copy < _copies)
        {
            _threads[copy] = new CopyThread(copy, Environment.CurrentManagedThreadId, Thread.CurrentThread.IsThreadPoolThread);
        }

        Interlocked.Increment(ref _started);
        var waiting = Stopwatch.StartNew();
        while (Volatile.Read(ref _started) < _copies)
        {
            if (waiting.Elapsed > Patience)
            {
                _gaveUp ??= $"copy {copy} started and waited {Patience.TotalSeconds:0} s for the others, but only " +
                            $"{Volatile.Read(ref _started)} of {_copies} copies had started";
                break;
            }

            Thread.Sleep(1);
        }

        return CopyLedger.ResultOf(copy);
    }
}

/// <summary>The thread one copy ran on.</summary>
internal sealed record CopyThread(int Copy, int ThreadId, bool IsThreadPoolThread);
