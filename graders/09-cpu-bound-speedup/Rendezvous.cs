using System.Diagnostics;

namespace Katas.Graders.CpuBoundSpeedup;

/// <summary>
/// A job whose copies wait for each other: each one, once started, waits until every copy has started.
/// Copies that really run at the same time meet at once; copies run one after another never meet, and the
/// first one gives up after <see cref="Patience"/>. This proves "at the same time" without judging speed.
/// </summary>
internal sealed class Rendezvous(int copies)
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(2);

    private int _started;
    private volatile string? _gaveUp;

    /// <summary>Set when a copy waited in vain: "copy 0 waited 2 s, but only 1 of 3 copies had started".</summary>
    public string? GaveUp => _gaveUp;

    public long Job(int copy)
    {
        Interlocked.Increment(ref _started);
        var waiting = Stopwatch.StartNew();
        while (Volatile.Read(ref _started) < copies)
        {
            if (waiting.Elapsed > Patience)
            {
                _gaveUp ??= $"copy {copy} started and waited {Patience.TotalSeconds:0} s for the others, but only " +
                            $"{Volatile.Read(ref _started)} of {copies} copies had started";
                break;
            }

            Thread.Sleep(1);
        }

        return CopyLedger.ResultOf(copy);
    }
}
