using System.Diagnostics;

namespace Katas.Graders.CpuBoundSpeedup;

/// <summary>
/// A job for checks on real threads whose copies finish in reverse copy order: copy <c>i</c> returns only once copy
/// <c>i + 1</c> has returned (or after <see cref="Patience"/>, for code that runs them one after another). Copies of equal
/// length on real threads mostly finish in the order they started, which hides results kept in finishing order; these
/// finish in the order that is most wrong for it, on every run.
/// </summary>
internal sealed class FinishingInReverse
{
    public static readonly TimeSpan Patience = TimeSpan.FromMilliseconds(300);

    private readonly int _copies;
    private readonly CopyLedger _ledger;
    private readonly int[] _returned;

    public FinishingInReverse(int copies, CopyLedger ledger)
    {
        _copies = copies;
        _ledger = ledger;
        // One slot past the last copy, always set: the last copy waits for nobody.
        _returned = new int[copies + 1];
        _returned[copies] = 1;
    }

    public long Job(int copy)
    {
        if (copy >= 0 && copy < _copies)
        {
            var waiting = Stopwatch.StartNew();
            while (Volatile.Read(ref _returned[copy + 1]) == 0 && waiting.Elapsed < Patience)
            {
                Thread.Sleep(1);
            }
        }

        var result = _ledger.Job(copy);
        Volatile.Write(ref _returned[copy], 1);
        return result;
    }
}
