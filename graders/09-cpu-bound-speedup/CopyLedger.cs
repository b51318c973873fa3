namespace Katas.Graders.CpuBoundSpeedup;

/// <summary>
/// The grader's job for the runners: copy <c>i</c> returns <c>100 + i</c> and notes that it ran, where, and when it began
/// among the others. It tells a slot mix-up (results in finishing order) from a loop-variable mix-up (a copy run twice).
/// </summary>
internal sealed class CopyLedger(int copies)
{
    private readonly int[] _calls = new int[copies];
    private readonly int[] _threads = new int[copies];
    private readonly int[] _began = new int[copies];
    private int _calledSoFar;

    public static long ResultOf(int copy) => 100 + copy;

    public long Job(int copy)
    {
        Invariant.Holds(copy >= 0 && copy < copies,
            $"The job was called for copy {copy}, but there are only {copies} copies (0 to {copies - 1}). A thread read the " +
            "loop variable after the loop had moved it on: a lambda captures the variable, not its value. Copy it into a " +
            "local inside the loop (`var mine = copy;`) and use that in the lambda.");
        var turn = Interlocked.Increment(ref _calledSoFar) - 1;
        if (turn < copies)
        {
            _began[turn] = copy;
        }

        Interlocked.Increment(ref _calls[copy]);
        _threads[copy] = Environment.CurrentManagedThreadId;
        return ResultOf(copy);
    }

    public int ThreadOf(int copy) => _threads[copy];

    /// <summary>The copies in the order their calls began (complete when every copy ran once).</summary>
    public IReadOnlyList<int> CallOrder => _began;

    /// <summary>Each copy ran once and its result is in its own slot.</summary>
    public void MustMatch(long[] results, string runner)
    {
        for (var copy = 0; copy < copies; copy++)
        {
            var why = _calls.Any(count => count > 1)
                ? $", but ran another copy more than once ({Calls()}). When a thread reads the loop variable, the loop may " +
                  "have moved it on: copy it into a local inside the loop and use that in the lambda."
                : $" ({Calls()}): every copy runs exactly once.";
            Invariant.Holds(_calls[copy] == 1, _calls[copy] == 0
                ? $"{runner} never ran copy {copy}{why}"
                : $"{runner} ran copy {copy} {_calls[copy]} times ({Calls()}): every copy runs exactly once.");
        }

        Invariant.Holds(results.Length == copies,
            $"{runner} returned {results.Length} results for {copies} copies: one result per copy.");
        for (var copy = 0; copy < copies; copy++)
        {
            Invariant.Holds(results[copy] == ResultOf(copy),
                $"{runner} returned [{string.Join(", ", results)}], but copy i returned {ResultOf(0)} + i, so the answer is " +
                $"[{string.Join(", ", Enumerable.Range(0, copies).Select(c => ResultOf(c)))}]. Results go in copy order, not in the " +
                "order the threads finished: let each thread write its own slot, `results[mine] = job(mine)`, instead of adding " +
                "to a shared list.");
        }
    }

    private string Calls() => string.Join(", ", _calls.Select((count, copy) => $"copy {copy}: {count}x"));
}
