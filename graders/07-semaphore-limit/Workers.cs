using Katas.SemaphoreLimit;

namespace Katas.Graders.SemaphoreLimit;

/// <summary>The three ways the kata's API lets a worker through the throttle; a run mixes them.</summary>
internal enum Way
{
    RunAction,
    RunFunc,
    EnterExit,
}

/// <summary>How the threads of one run are driven.</summary>
internal enum Scheduling
{
    /// <summary>Under Coyote: waits are untimed, so a worker that can never get in shows up as a deadlock.</summary>
    Systematic,

    /// <summary>On real threads (the stress fallback): every wait has a time limit, so nothing hangs.</summary>
    RealThreads,
}

/// <summary>
/// A few workers, one thread each, going through one throttle at the same time. The work they run is the
/// grader's: it counts who is inside, so that "too many inside" and "not enough can get in" are seen
/// exactly where they happen, and can be told in the student's terms (which worker, through which call).
/// </summary>
internal sealed class Workers
{
    private const int NotStarted = 0, WaitingToEnter = 1, Inside = 2, Left = 3;

    /// <summary>How long a worker waits, on real threads, for something a correct throttle does at once.</summary>
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Scheduling points a worker stays inside under Coyote. Measured over seeds 1-10: with 0, "too many inside"
    /// took up to 8 schedules to find (the stub, an overload that skips the throttle); with 2, always the first.
    /// </summary>
    private const int StepsInside = 2;

    private readonly object _gate = new();
    private readonly Throttle _throttle;
    private readonly int _limit;
    private readonly Way[] _ways;
    private readonly int[] _states;
    private readonly Scheduling _scheduling;
    private int _inside;
    private int _mostInside;
    private bool _gaveUp;
    private string? _broken;

    public Workers(Throttle throttle, int limit, Scheduling scheduling, params Way[] ways)
    {
        _throttle = throttle;
        _limit = limit;
        _scheduling = scheduling;
        _ways = ways;
        _states = new int[ways.Length];
    }

    /// <summary>
    /// Each worker, once inside, waits until <c>limit</c> workers have been inside together. A throttle that
    /// lets fewer in can never get there: under Coyote that is a deadlock, on real threads a time-out.
    /// </summary>
    public bool WaitForCompany { get; init; }

    /// <summary>What was done to the throttle before the workers came, to start messages with ("After ...").</summary>
    public string Before { get; init; } = "";

    /// <summary>What to do about too many workers inside, in the terms of the check that found it.</summary>
    public string TooManyAdvice { get; init; } =
        "Enter must wait while the limit is reached, and taking a free slot must be one atomic step: two workers that " +
        "both see one free slot must not both take it. SemaphoreSlim.Wait() does both.";

    /// <summary>Starts every worker on its own thread, joins them, and states what went wrong, if anything did.</summary>
    public void Run()
    {
        var threads = new Thread[_ways.Length];
        for (var i = 0; i < threads.Length; i++)
        {
            var worker = i;
            // Unnamed threads on purpose: Coyote loses control of a thread whose Name is set.
            threads[i] = new Thread(() => Work(worker));
            if (_scheduling == Scheduling.RealThreads)
            {
                // A worker stuck in the student's Enter must not keep the test host alive.
                threads[i].IsBackground = true;
            }
        }

        foreach (var thread in threads)
        {
            thread.Start();
        }

        if (_scheduling == Scheduling.Systematic)
        {
            foreach (var thread in threads)
            {
                thread.Join();
            }
        }
        else
        {
            var deadline = DateTime.UtcNow + s_patience + s_patience;
            foreach (var thread in threads)
            {
                var left = deadline - DateTime.UtcNow;
                if (!thread.Join(left > TimeSpan.Zero ? left : TimeSpan.Zero))
                {
                    Break(ExplainStuck());
                    break;
                }
            }
        }

        string? broken;
        lock (_gate)
        {
            broken = _broken;
        }

        Invariant.Holds(broken is null, broken!);
    }

    /// <summary>Why workers could not go on: read after Coyote reported a deadlock, or after a time-out on real threads.</summary>
    public string ExplainStuck()
    {
        List<int> inside, waiting;
        lock (_gate)
        {
            inside = Enumerable.Range(0, _states.Length).Where(w => _states[w] == Inside).ToList();
            waiting = Enumerable.Range(0, _states.Length).Where(w => _states[w] == WaitingToEnter).ToList();
        }

        if (waiting.Count == 0)
        {
            return Before + Sentence("the workers stopped making progress, although none of them was waiting at your throttle.");
        }

        if (inside.Count == 0)
        {
            return Before +
                $"{Sentence(Describe(waiting))} waited to enter, but no worker was inside: the throttle with limit {_limit} had no free " +
                "slot left although everyone before had left. A slot was lost: an Exit that does not give its slot back, " +
                "or an Enter that takes more than one.";
        }

        if (WaitForCompany)
        {
            var headline = inside.Count == 1 && _limit == 2
                ? "2 workers must be able to work at the same time, but the second one could not enter while the first was " +
                  "inside: your throttle lets only one in (a lock, or a semaphore of 1?)."
                : $"{_limit} workers must be able to work at the same time, but only {inside.Count} could be inside together: " +
                  $"your throttle lets fewer than {_limit} in.";
            return Before + headline + "\n" +
                $"{Capitalized(Describe(inside))} {(inside.Count == 1 ? "was" : "were")} inside, waiting for company; " +
                $"{Describe(waiting)} waited at the throttle and never got in. A throttle with limit {_limit} must let a new " +
                $"worker in while fewer than {_limit} are inside: that is what makes it a semaphore and not a lock. " +
                "new SemaphoreSlim(limit, limit) has `limit` slots.";
        }

        return Before +
            $"{Sentence(Describe(waiting))} waited to enter while only {inside.Count} of {_limit} slots were taken " +
            $"({Describe(inside)} inside): your throttle lets fewer than {_limit} workers in.";
    }

    private void Work(int worker)
    {
        string? threw = null;
        lock (_gate)
        {
            _states[worker] = WaitingToEnter;
        }

        try
        {
            switch (_ways[worker])
            {
                case Way.RunAction:
                    _throttle.Run(() => BeInside(worker));
                    break;
                case Way.RunFunc:
                    _throttle.Run(() =>
                    {
                        BeInside(worker);
                        return worker;
                    });
                    break;
                default:
                    _throttle.Enter();
                    try
                    {
                        BeInside(worker);
                    }
                    finally
                    {
                        _throttle.Exit();
                    }

                    break;
            }
        }
        catch (InvariantViolationException)
        {
            // Already recorded by Break.
        }
        catch (Exception e)
        {
            threw = Before +
                $"{Sentence(Name(worker))}: {Call(_ways[worker])} threw {e.GetType().Name}: {e.Message}\n" +
                "Nothing was wrong with the call: the worker entered once, did its work (which did not throw) and left once." +
                (e is SemaphoreFullException
                    ? " SemaphoreFullException here means your count of free slots went wrong: two threads changed it at the " +
                      "same moment and one change was lost (`count++` is three steps: read, add, write). Change the count " +
                      "only under a lock, or use SemaphoreSlim."
                    : "");
        }

        lock (_gate)
        {
            _states[worker] = Left;
        }

        if (threw is not null)
        {
            try
            {
                Break(threw);
            }
            catch (InvariantViolationException)
            {
                // Recorded; the thread ends here.
            }
        }
    }

    private void BeInside(int worker)
    {
        string? tooMany = null;
        lock (_gate)
        {
            _states[worker] = Inside;
            _inside++;
            _mostInside = Math.Max(_mostInside, _inside);
            if (_inside > _limit)
            {
                var everyone = Enumerable.Range(0, _states.Length).Where(w => _states[w] == Inside).ToList();
                tooMany = Before +
                    $"{_inside} workers were inside at once, but the limit is {_limit}: {Describe(everyone)} were all doing " +
                    $"their work. {TooManyAdvice}";
            }

            Monitor.PulseAll(_gate);
        }

        if (tooMany is not null)
        {
            Break(tooMany);
        }

        if (WaitForCompany)
        {
            WaitUntilEnoughWereInside();
        }
        else if (_scheduling == Scheduling.RealThreads)
        {
            // Real threads rarely overlap by chance: stay inside a moment, as a real download would.
            Thread.Sleep(1);
        }
        else
        {
            // Under Coyote every lock is a point where another thread may run: stay inside for a few of them, as a
            // real download would, so that the schedules where everyone is inside at once come early.
            for (var step = 0; step < StepsInside; step++)
            {
                lock (_gate)
                {
                    _ = _inside;
                }
            }
        }

        lock (_gate)
        {
            _inside--;
        }
    }

    private void WaitUntilEnoughWereInside()
    {
        string? stuck = null;
        lock (_gate)
        {
            while (_mostInside < _limit && !_gaveUp)
            {
                if (_scheduling == Scheduling.Systematic)
                {
                    Monitor.Wait(_gate);
                }
                else if (!Monitor.Wait(_gate, s_patience) && _mostInside < _limit)
                {
                    // Let the others leave too, so that the run ends and the message can be read.
                    _gaveUp = true;
                    Monitor.PulseAll(_gate);
                    stuck = "";
                }
            }
        }

        if (stuck is not null)
        {
            Break(ExplainStuck());
        }
    }

    /// <summary>
    /// Records what broke. Under Coyote it is reported at once, so that the exploration stops on the very
    /// schedule that broke it; on real threads it is reported by <see cref="Run"/> after the joins.
    /// </summary>
    private void Break(string message)
    {
        lock (_gate)
        {
            _broken ??= message;
        }

        if (_scheduling == Scheduling.Systematic)
        {
            Invariant.Holds(false, message);
        }
    }

    private string Describe(List<int> workers)
    {
        var names = workers.Select(w => $"{Name(w)} (through {Call(_ways[w])})").ToList();
        return names.Count switch
        {
            0 => "no worker",
            1 => names[0],
            _ => string.Join(", ", names.Take(names.Count - 1)) + " and " + names[^1],
        };
    }

    /// <summary>The start of a sentence that follows <see cref="Before"/>, if there is one.</summary>
    private string Sentence(string text) => Before.Length == 0 ? Capitalized(text) : text;

    private static string Capitalized(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    private static string Name(int worker) => $"worker {worker + 1}";

    private static string Call(Way way) => way switch
    {
        Way.RunAction => "Run(Action)",
        Way.RunFunc => "Run<T>(Func<T>)",
        _ => "Enter()/Exit()",
    };
}
