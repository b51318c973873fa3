using Katas.LockedCounter;

namespace Katas.Graders.LockedCounter;

/// <summary>
/// Every public member of the counter used at once: FirstOperation and SecondOperation on two threads while a third
/// thread reads X. X reports the current value of x, whatever it is at that moment; it must not disturb the operations
/// (a lock it takes must be released), and it can only show a value that x really had: from 0 up to SecondTarget, never
/// going down.
/// </summary>
internal sealed class ReadsDuringOperations
{
    public const int Reads = 2;
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(10);

    private readonly SharedCounter _counter;
    private readonly int[] _seen = new int[Reads];
    private string? _firstIn;
    private string? _secondIn;
    private string? _readerIn;
    private string? _graderIn;
    private int _firstReturned;
    private int _secondReturned;

    private ReadsDuringOperations(int firstTarget, int secondTarget) => _counter = new SharedCounter(firstTarget, secondTarget);

    public static ReadsDuringOperations Run(Scene<ReadsDuringOperations> scene, int firstTarget, int secondTarget)
    {
        var run = scene.Play(new ReadsDuringOperations(firstTarget, secondTarget));
        var finished = GraderThreads.Run(s_limit, run.First, run.Second, run.Read);
        Invariant.Holds(finished,
            $"With a third thread reading X, FirstOperation and SecondOperation (targets {firstTarget} and {secondTarget}) did not " +
            $"all finish within {s_limit.TotalSeconds:0} s: {run.Stuck()}");
        return run;
    }

    /// <summary>After a deadlock (Coyote's, or a stress run that timed out): who was inside which member.</summary>
    public static Func<string> ExplainDeadlock(Scene<ReadsDuringOperations> runs) => runs.Explain(
        run => $"Deadlock: with a third thread reading X while the two operations ran, {run.Stuck()}",
        "Deadlock: every thread was waiting for a lock that no thread would ever release.");

    public void MustShowOnlyValuesOfX()
    {
        var target = _counter.SecondTarget;
        _graderIn = "the grader's own thread, reading X after the three threads had finished";
        var finalX = _counter.X;
        _graderIn = null;
        new CounterOutcome(_counter.FirstTarget, target, _firstReturned, _secondReturned, finalX).MustBeSequential();
        for (var i = 0; i < Reads; i++)
        {
            Invariant.Holds(_seen[i] >= 0 && _seen[i] <= target,
                $"X returned {_seen[i]} while the two operations ran, but x only ever goes from 0 up to {target}: X must report " +
                "the current value of x (the field the operations count), nothing else.");
        }

        Invariant.Holds(_seen[1] >= _seen[0],
            $"X returned {_seen[0]} and then {_seen[1]} on the same thread while the operations counted up: x never goes down, so " +
            "X did not report the current value of x. Read the field the operations count, under the same lock or as it is.");
    }

    private string Stuck()
    {
        var threads = new[] { _firstIn, _secondIn, _readerIn }.OfType<string>().ToList();
        const string Release = "A member that takes a lock must release it on every path (a `return` before Monitor.Exit never " +
            "releases it); `lock (...) { }` releases it however the block ends.";
        if (threads.Count == 0 && _graderIn is not null)
        {
            return "FirstOperation, SecondOperation and both reads of X had all returned, and then X, read once more on the " +
                "grader's own thread, waited for ever: one of them had returned still holding the counter's lock. " + Release;
        }

        return threads.Count == 0
            ? "no thread was inside a member of SharedCounter: something else kept them waiting."
            : $"still inside SharedCounter, waiting for ever: {string.Join("; ", threads)}. Each waits for a lock that no " +
              "running thread will release. " + Release;
    }

    private void First()
    {
        _firstIn = "the thread running FirstOperation";
        _firstReturned = _counter.FirstOperation();
        _firstIn = null;
    }

    private void Second()
    {
        _secondIn = "the thread running SecondOperation";
        _secondReturned = _counter.SecondOperation();
        _secondIn = null;
    }

    private void Read()
    {
        for (var i = 0; i < Reads; i++)
        {
            _readerIn = $"the thread reading X (read {i + 1} of {Reads})";
            _seen[i] = _counter.X;
            _readerIn = null;
        }
    }
}
