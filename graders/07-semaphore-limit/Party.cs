using System.Diagnostics;
using Katas.SemaphoreLimit;

namespace Katas.Graders.SemaphoreLimit;

/// <summary>
/// A few workers on real threads (<see cref="GraderThreads"/>), one pass through the throttle each, watched by the grader
/// from outside: when each came to the throttle, when it got in, what its call threw. Holders stay inside until
/// <see cref="Release"/>. For the checks that need time (a full throttle that stays full) or a thread to interrupt,
/// which Coyote cannot give.
/// </summary>
/// <remarks>Nothing here takes a lock: a worker must never be seen blocked in the grader's code, only in the student's.</remarks>
internal sealed class Party(Throttle throttle, string role, params Way[] ways)
{
    private readonly GraderThreads _threads = new();
    private readonly GraderEvent _leave = new();
    private readonly Thread?[] _threadOf = new Thread?[ways.Length];
    private readonly long[] _cameAt = new long[ways.Length];
    private readonly long[] _inAt = new long[ways.Length];
    private readonly long[] _doneAt = new long[ways.Length];
    private readonly int[] _ran = new int[ways.Length];
    private readonly Exception?[] _errors = new Exception?[ways.Length];
    private bool _started;

    /// <summary>Whether each worker, once inside, stays there until <see cref="Release"/>.</summary>
    public bool StayUntilReleased { get; init; }

    /// <summary>How many of the workers got in (holders that are still inside, or workers that went in and left).</summary>
    public int InsideCount => Enumerable.Range(0, ways.Length).Count(i => Volatile.Read(ref _inAt[i]) != 0);

    /// <summary>The first worker that got in, and how long after it came to the throttle.</summary>
    public (string? Who, TimeSpan After) FirstIn
    {
        get
        {
            var first = Enumerable.Range(0, ways.Length).Where(i => Volatile.Read(ref _inAt[i]) != 0)
                .OrderBy(i => Volatile.Read(ref _inAt[i])).Cast<int?>().FirstOrDefault();
            return first is { } i
                ? (Who(i), Stopwatch.GetElapsedTime(Volatile.Read(ref _cameAt[i]), Volatile.Read(ref _inAt[i])))
                : (null, TimeSpan.Zero);
        }
    }

    public Exception? FirstError => Enumerable.Range(0, ways.Length).Select(i => Volatile.Read(ref _errors[i])).FirstOrDefault(e => e is not null);

    /// <summary>The first worker whose call threw, what it threw, and how long after it came to the throttle.</summary>
    public (string? Who, Exception? Error, TimeSpan After) FirstErrorWithTime
    {
        get
        {
            var first = Enumerable.Range(0, ways.Length).Where(i => Volatile.Read(ref _errors[i]) is not null).Cast<int?>().FirstOrDefault();
            return first is { } i
                ? (Who(i), Volatile.Read(ref _errors[i]), Stopwatch.GetElapsedTime(Volatile.Read(ref _cameAt[i]), Volatile.Read(ref _doneAt[i])))
                : (null, null, TimeSpan.Zero);
        }
    }

    public void Start()
    {
        for (var worker = 0; worker < ways.Length; worker++)
        {
            var id = worker;
            _threads.Add(() => Visit(id));
        }

        _started = true;
        _threads.Start();
    }

    /// <summary>Lets holders leave.</summary>
    public void Release() => _leave.Set();

    /// <summary>Whether every worker's call returned (or threw) within <paramref name="limit"/>.</summary>
    public bool Join(TimeSpan limit) => !_started || _threads.Join(limit);

    /// <summary>
    /// Interrupts each worker once it is seen blocked in the throttle (Thread.Interrupt reaches a thread only in a
    /// blocking wait or sleep); a worker that is never seen blocked within <paramref name="limit"/> (it spins) is left
    /// alone. Returns the interrupted ones.
    /// </summary>
    public IReadOnlyList<int> InterruptWhenBlocked(TimeSpan limit)
    {
        var interrupted = new List<int>();
        var watch = Stopwatch.StartNew();
        var pending = Enumerable.Range(0, ways.Length).ToList();
        while (pending.Count > 0 && watch.Elapsed < limit)
        {
            foreach (var worker in pending.ToList())
            {
                var thread = Volatile.Read(ref _threadOf[worker]);
                if (thread is not null && Volatile.Read(ref _cameAt[worker]) != 0 && Volatile.Read(ref _doneAt[worker]) == 0 &&
                    (thread.ThreadState & System.Threading.ThreadState.WaitSleepJoin) != 0)
                {
                    thread.Interrupt();
                    interrupted.Add(worker);
                    pending.Remove(worker);
                }
            }

            Thread.Sleep(1);
        }

        return interrupted;
    }

    public IEnumerable<Outcome> Outcomes(IEnumerable<int> workers) => workers.Select(worker => new Outcome(
        Who(worker), Workers.Call(ways[worker]), Volatile.Read(ref _doneAt[worker]) != 0, Volatile.Read(ref _ran[worker]) > 0,
        Volatile.Read(ref _errors[worker])));

    private string Who(int worker) => $"{role} {worker + 1} (through {Workers.Call(ways[worker])})";

    private void Visit(int worker)
    {
        Volatile.Write(ref _threadOf[worker], Thread.CurrentThread);
        Volatile.Write(ref _cameAt[worker], Stopwatch.GetTimestamp());
        try
        {
            switch (ways[worker])
            {
                case Way.RunAction:
                    throttle.Run(() => Inside(worker));
                    break;
                case Way.RunFunc:
                    _ = throttle.Run(() =>
                    {
                        Inside(worker);
                        return worker;
                    });
                    break;
                default:
                    throttle.Enter();
                    try
                    {
                        Inside(worker);
                    }
                    finally
                    {
                        throttle.Exit();
                    }

                    break;
            }
        }
        catch (Exception e)
        {
            Volatile.Write(ref _errors[worker], e);
        }

        Volatile.Write(ref _doneAt[worker], Stopwatch.GetTimestamp());
    }

    private void Inside(int worker)
    {
        Interlocked.Increment(ref _ran[worker]);
        Volatile.Write(ref _inAt[worker], Stopwatch.GetTimestamp());
        if (StayUntilReleased)
        {
            _leave.Wait();
        }
    }

    /// <summary>What became of one worker.</summary>
    public sealed record Outcome(string Who, string Call, bool Done, bool Ran, Exception? Error);
}
