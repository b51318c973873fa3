using Katas.SemaphoreLimit;

namespace Katas.Graders.SemaphoreLimit;

/// <summary>The ways the kata's API lets a worker through the throttle; a run mixes them.</summary>
internal enum Way
{
    RunAction,
    RunFunc,
    EnterExit,

    /// <summary>Enter() on the worker's thread; the grader gives the slot back with Exit() on another thread.</summary>
    HandOff,
}

/// <summary>Where a worker waits for the grader's extra Exit() to be under way, so that the two meet.</summary>
internal enum Meet
{
    None,

    /// <summary>Just before Enter: the extra Exit and the worker's Enter run at the same time.</summary>
    Entering,

    /// <summary>After the work, holding the slot, just before Exit: two Exits run at the same time.</summary>
    Leaving,
}

/// <summary>One pass of a worker through the throttle: the way in, whether its work throws, where it meets the extra Exit.</summary>
internal readonly record struct Visit(Way Way, bool Throws = false, Meet Meet = Meet.None)
{
    public static implicit operator Visit(Way way) => new(way);
}

/// <summary>
/// Workers, one thread each, going through one throttle at the same time, each entering one or more times. The work
/// they run is the grader's: it counts who is inside, so that "too many inside" and "not enough can get in" are seen
/// exactly where they happen, and can be told in the student's terms (which worker, through which call). Each work
/// returns its own value or throws its own exception, so that a Run that hands back another worker's result or
/// exception is seen too.
/// </summary>
/// <remarks>
/// The threads are <see cref="GraderThreads"/>: plain threads under Coyote; on real threads they start together
/// through a start gate, so that they overlap.
/// </remarks>
internal sealed class Workers
{
    private const int NotStarted = 0, WaitingToEnter = 1, Inside = 2, Left = 3, InExit = 4;
    private const int ExtraNotStarted = 0, ExtraCalling = 1;

    // The run's counters, in one array: Coyote makes every access to an instance field a scheduling point, but not an
    // access to an array element, so the grader's own bookkeeping adds few points between the student's calls. A race
    // between two calls needs one thread to run on for a few points while the other waits inside its call: under the
    // Random strategy every point on the way halves the chance (a two-thread test without the grader's bookkeeping found
    // a check-then-release Exit in schedule 5; the workers, whose visits went through some 25 field accesses each, in
    // none of 100 on 3 seeds of 8; see also MeetExtraExit).
    private const int InsideNow = 0, MostInside = 1, ExtraState = 2, ExtraAccepted = 3, MostExcess = 4, EntersStarted = 5,
        ExitsAccepted = 6, CheckerEntered = 7, NewcomerMayGo = 8, NewcomerIn = 9, GaveUp = 10, CompanyWanted = 11, Extras = 12,
        OnRealThreads = 13, Meeting = 14, MeetingsLeft = 15, ExtrasDone = 16,
        CounterCount = 17;

    /// <summary>How long a worker waits, on real threads, for something a correct throttle does at once.</summary>
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Scheduling points a worker stays inside under Coyote. Measured over seeds 1-10: with 0, "too many inside"
    /// took up to 8 schedules to find (the stub, an overload that skips the throttle); with 2, always the first.
    /// </summary>
    private const int StepsInside = 2;

    /// <summary>
    /// How long a worker stays inside on real threads, in Thread.SpinWait iterations (a few microseconds): long enough
    /// that the others arrive while it is inside, short enough that workers come and go many times per run, so that
    /// many Enter calls meet (see <see cref="StayInside"/>).
    /// </summary>
    private const int SpinsInside = 200;

    private readonly object _gate = new();
    private readonly int[] _n = new int[CounterCount];
    private readonly Throttle _throttle;
    private readonly int _limit;
    private readonly Scheduling _scheduling;
    private readonly List<Visit[]> _plans = [];

    // Participants: the workers, then a partner thread per worker that hands slots off, then the grader's own
    // threads (the extra Exit, the check after everyone left and its newcomer). Names and states are per participant.
    private readonly List<string> _names = [];
    private int[] _states = [];
    private Way?[] _waysNow = [];
    private int[] _handedOff = [];
    private int[] _partnerOf = [];
    private int _extraExit = -1, _checker = -1, _newcomer = -1;

    private string? _broken;
    private readonly List<string> _refused = [];
    private readonly Dictionary<(int, int), InvalidOperationException> _failures = [];

    public Workers(Throttle throttle, int limit, Scheduling scheduling)
    {
        _throttle = throttle;
        _limit = limit;
        _scheduling = scheduling;
    }

    /// <summary>
    /// Each worker, once inside, waits until <c>limit</c> workers have been inside together. A throttle that lets fewer
    /// in can never get there: under Coyote that is a deadlock, on real threads a time-out.
    /// </summary>
    public bool WaitForCompany { get; init; }

    /// <summary>
    /// A thread of the grader calls Exit() this many times, without an Enter(), while the workers come and go. Exactly
    /// that many Exits of the run must then be refused (SemaphoreFullException: which ones depends on the timing), and
    /// a refused one must give nothing away, not even for a moment.
    /// </summary>
    public int ExtraExits { get; init; }

    private bool ExtraExit => ExtraExits > 0;

    /// <summary>After every worker has left, the grader checks that the throttle is as new: Limit fit in, one more does not.</summary>
    public bool CheckSettled { get; init; }

    /// <summary>What was done to the throttle before the workers came, to start messages with ("After ...").</summary>
    public string Before { get; init; } = "";

    /// <summary>What to do about too many workers inside, in the terms of the check that found it.</summary>
    public string TooManyAdvice { get; init; } =
        "Enter must wait while the limit is reached, and taking a free slot must be one atomic step: two workers that " +
        "both see one free slot must not both take it, and one Exit must not let two waiting workers in. " +
        "SemaphoreSlim.Wait() does both.";

    /// <summary>Adds a worker that goes through the throttle once per visit, in order, on one thread.</summary>
    public Workers Add(params Visit[] visits)
    {
        _plans.Add(visits);
        return this;
    }

    /// <summary>Starts every worker on its own thread, joins them, and states what went wrong, if anything did.</summary>
    public void Run()
    {
        for (var worker = 0; worker < _plans.Count; worker++)
        {
            Participant($"worker {worker + 1}");
        }

        _handedOff = new int[_plans.Count];
        _partnerOf = Enumerable.Repeat(-1, _plans.Count).ToArray();
        for (var worker = 0; worker < _plans.Count; worker++)
        {
            if (_plans[worker].Any(visit => visit.Way == Way.HandOff))
            {
                _partnerOf[worker] = Participant($"the thread that worker {worker + 1} handed its slot to");
            }
        }

        if (ExtraExit)
        {
            _extraExit = Participant("the grader's extra Exit()");
        }

        if (CheckSettled)
        {
            _checker = Participant("the grader, after every worker had left,");
            _newcomer = Participant("a newcomer after every worker had left");
        }

        _states = new int[_names.Count];
        _waysNow = new Way?[_names.Count];
        _n[CompanyWanted] = WaitForCompany ? 1 : 0;
        _n[Extras] = ExtraExits;
        _n[OnRealThreads] = _scheduling == Scheduling.RealThreads ? 1 : 0;
        _n[MeetingsLeft] = _plans.Sum(plan => plan.Count(visit => visit.Meet != Meet.None));
        var threads = new GraderThreads();
        for (var worker = 0; worker < _plans.Count; worker++)
        {
            var id = worker;
            threads.Add(() => Work(id));
            if (_partnerOf[id] >= 0)
            {
                threads.Add(() => GiveBackHandedSlots(id));
            }
        }

        if (ExtraExit)
        {
            threads.Add(CallExtraExit);
        }

        var finished = threads.Start().Join(s_patience + s_patience);
        if (!finished)
        {
            Break(ExplainStuck());
        }

        if (finished && ExtraExit && Broken() is null)
        {
            JudgeRefusals();
        }

        if (finished && CheckSettled && Broken() is null)
        {
            var check = new GraderThreads().Add(CheckAsNew).Add(ComeAsNewcomer);
            if (!check.Start().Join(s_patience + s_patience))
            {
                Break(ExplainStuck());
            }
        }

        var broken = Broken();
        Invariant.Holds(broken is null, broken!);
    }

    /// <summary>Why workers could not go on: read after Coyote reported a deadlock, or after a time-out on real threads.</summary>
    public string ExplainStuck()
    {
        List<int> inside, waiting, exiting;
        lock (_gate)
        {
            inside = Enumerable.Range(0, _states.Length).Where(p => _states[p] == Inside).ToList();
            waiting = Enumerable.Range(0, _states.Length).Where(p => _states[p] == WaitingToEnter).ToList();
            exiting = Enumerable.Range(0, _states.Length).Where(p => _states[p] == InExit).ToList();
        }

        var note = _scheduling == Scheduling.Systematic
            ? TimedWait.NoteFor(typeof(Throttle),
                "a worker whose wait gave up holds no slot and must not go in; Enter must wait as long as it takes.")
            : "";

        if (exiting.Count > 0 && (waiting.Count == 0 || inside.Count == 0))
        {
            return Before + Sentence(
                $"{Describe(exiting)} called Exit() and it never returned" +
                (waiting.Count > 0 ? $" ({Describe(waiting)} waited to enter meanwhile)" : "") +
                ". Exit must never wait: it gives a slot back (or throws SemaphoreFullException) at once. An Exit that takes " +
                "a slot back with Wait() waits for a slot that nobody will free.") + note;
        }

        if (waiting.Count == 0)
        {
            return Before + Sentence("the workers stopped making progress, although none of them was waiting at your throttle.") + note;
        }

        if (waiting.Contains(_checker) && inside.Count == 0)
        {
            return Before +
                $"{Sentence($"every worker had left, and the grader called Enter() {_limit} time{(_limit == 1 ? "" : "s")} on one thread")}: " +
                $"Enter() number {_n[CheckerEntered] + 1} waited although nobody was inside. The throttle with limit " +
                $"{_limit} had only {_n[CheckerEntered]} free slot{(_n[CheckerEntered] == 1 ? "" : "s")} left: a slot was lost. " +
                "An Exit that does not give its slot back (or a Run that skips Exit), an Enter that takes more than one, or " +
                "a refused Exit that takes a slot away" + (ExtraExit
                    ? " (the grader called Exit() more times than Enter() in this run: a refused Exit must change nothing, " +
                      "not even for a moment)."
                    : ".") + note;
        }

        if (inside.Count == 0)
        {
            return Before +
                $"{Sentence(Describe(waiting))} waited to enter, but no worker was inside: everyone before had left, yet the " +
                $"throttle with limit {_limit} did not let {(waiting.Count == 1 ? "it" : "them")} in. Either a slot was lost (an " +
                "Exit that does not give its slot back, or an Enter that takes more than one), or a wake-up was: an Exit that " +
                "frees a slot must wake a waiting worker (Monitor.PulseAll, or SemaphoreSlim.Release), every time." + note;
        }

        if (WaitForCompany)
        {
            var headline = inside.Count == 1 && _limit == 2
                ? "2 workers must be able to work at the same time, but the second one could not enter while the first was " +
                  "inside: your throttle lets only one in (a lock, or a semaphore of 1?)."
                : $"{_limit} workers must be able to work at the same time, but only {inside.Count} could be inside together: " +
                  $"your throttle lets fewer than {_limit} in (does it use the limit it was given?).";
            return Before + headline + "\n" +
                $"{Capitalized(Describe(inside))} {(inside.Count == 1 ? "was" : "were")} inside, waiting for company; " +
                $"{Describe(waiting)} waited at the throttle and never got in. A throttle with limit {_limit} must let a new " +
                $"worker in while fewer than {_limit} are inside: that is what makes it a semaphore and not a lock. " +
                "new SemaphoreSlim(limit, limit) has `limit` slots." + note;
        }

        return Before +
            $"{Sentence(Describe(waiting))} waited to enter while only {inside.Count} of {_limit} slots were taken " +
            $"({Describe(inside)} inside): your throttle lets fewer than {_limit} workers in. If it did let them in " +
            "before, an Exit freed a slot without waking a waiting worker (Monitor.Pulse for one waiter when two slots " +
            "came free, or a wake-up only when the throttle was full?): every Exit must let a waiting worker see the " +
            "free slot (Monitor.PulseAll, or SemaphoreSlim.Release)." + note;
    }

    private int Participant(string name)
    {
        _names.Add(name);
        return _names.Count - 1;
    }

    private string? Broken()
    {
        lock (_gate)
        {
            return _broken;
        }
    }

    private void Work(int worker)
    {
        var plan = _plans[worker];
        for (var visit = 0; visit < plan.Length; visit++)
        {
            var way = plan[visit].Way;
            var failure = plan[visit].Throws ? FailureOf(worker, visit) : null;
            var gate = _gate;
            var n = _n;
            lock (gate)
            {
                _states[worker] = WaitingToEnter;
                _waysNow[worker] = way;
                n[EntersStarted]++;
            }

            var meet = plan[visit].Meet;
            if (meet == Meet.Entering)
            {
                MeetExtraExit();
            }

            Exception? thrown = null;
            var ran = 0;
            int? returned = null;
            try
            {
                switch (way)
                {
                    case Way.RunAction:
                        _throttle.Run(() => BeInside(worker, failure, meet, ref ran));
                        break;
                    case Way.RunFunc:
                        returned = _throttle.Run(() =>
                        {
                            BeInside(worker, failure, meet, ref ran);
                            return ValueOf(worker, visit);
                        });
                        break;
                    case Way.EnterExit:
                        _throttle.Enter();
                        try
                        {
                            BeInside(worker, failure, meet, ref ran);
                        }
                        finally
                        {
                            _throttle.Exit();
                        }

                        break;
                    default:
                        _throttle.Enter();
                        ran++;
                        Arrive(worker);
                        lock (_gate)
                        {
                            // The slot goes to the partner thread, which stays inside for this worker and calls Exit().
                            _handedOff[worker]++;
                            _states[_partnerOf[worker]] = Inside;
                            _waysNow[_partnerOf[worker]] = Way.HandOff;
                            Monitor.PulseAll(_gate);
                        }

                        break;
                }
            }
            catch (InvariantViolationException)
            {
                // Already recorded by Break; under Coyote the schedule ends here.
                return;
            }
            catch (Exception e)
            {
                thrown = e;
            }

            SetState(worker, visit == plan.Length - 1 ? Left : NotStarted, null);
            Judge(worker, visit, thrown, ran, returned);
        }
    }

    /// <summary>What one visit must have done: run the work once, return its value, let its exception through.</summary>
    private void Judge(int worker, int visit, Exception? thrown, int ran, int? returned)
    {
        var plan = _plans[worker][visit];
        var call = Call(plan.Way);
        var who = $"{Capitalized(Name(worker))} ({Ordinal(visit)} visit, through {call})";
        if (thrown is SemaphoreFullException && ExtraExit && plan.Way != Way.HandOff && !plan.Throws)
        {
            // Another thread's extra Exit may have been accepted while this worker was inside; then this worker's own
            // Exit is the one too many, and must be refused. Whether exactly one was refused is judged at the end.
            Refused($"{Name(worker)}'s Exit ({call}, {Ordinal(visit)} visit)");
            return;
        }

        if (plan.Way != Way.HandOff && (thrown is null || (plan.Throws && ReferenceEquals(thrown, FailureOf(worker, visit)))))
        {
            Accepted($"{Name(worker)}'s Exit ({call}, {Ordinal(visit)} visit)");
        }

        if (plan.Throws)
        {
            var own = FailureOf(worker, visit);
            if (!ReferenceEquals(thrown, own))
            {
                Break(Before + Sentence(thrown is null
                    ? $"{who}: the work threw InvalidOperationException(\"{own.Message}\"), but {call} returned normally. " +
                      "Run must let the work's own exception through to its caller, unchanged."
                    : $"{who}: the work threw InvalidOperationException(\"{own.Message}\"), but {call} threw " +
                      $"{thrown.GetType().Name}(\"{thrown.Message}\") instead. Run must let the work's own exception through, " +
                      "unchanged.") +
                    (thrown is not null && thrown.Message.StartsWith("download ", StringComparison.Ordinal)
                        ? " That was another worker's exception: when two works fail at the same time, each Run must rethrow " +
                          "its own. Keep the exception in a local variable (or just let it fly through `finally`), never in a " +
                          "field that every worker shares."
                        : "") +
                    (thrown is SemaphoreFullException
                        ? " SemaphoreFullException means your Run gave its slot back twice: once in `catch` and once in " +
                          "`finally`? `finally` alone runs in both cases."
                        : ""));
                return;
            }
        }
        else if (thrown is not null)
        {
            Break(Before + Sentence(
                $"{who}: {call} threw {thrown.GetType().Name}: {thrown.Message}\n" +
                "Nothing was wrong with the call: the worker entered once, did its work (which did not throw) and left once." +
                (thrown is SemaphoreFullException
                    ? " SemaphoreFullException here means your count of free slots went wrong: two threads changed it at the " +
                      "same moment and one change was lost (`count++` is three steps: read, add, write), or an Exit was " +
                      "charged to the wrong worker. Change the count only under a lock, or use SemaphoreSlim." + (visit > 0
                          ? $" It was this worker's {Ordinal(visit)} visit, and the earlier ones went through: does your throttle " +
                            "remember something per thread (a ThreadLocal, a [ThreadStatic] field, a thread id) that Exit does not " +
                            "reset, so that a thread that comes back is treated as still inside?"
                          : "")
                    : thrown.Message.StartsWith("download ", StringComparison.Ordinal)
                        ? " That exception belongs to another worker, whose work failed: each Run must rethrow only its own " +
                          "work's exception. Keep it in a local variable, never in a field that every worker shares."
                        : "")));
            return;
        }

        if (ran != 1)
        {
            Break(Before + Sentence(ran == 0
                ? $"{who}: {call} returned without running the work. Run must run the work, once."
                : $"{who}: {call} ran the work {ran} times. Run must run it exactly once."));
            return;
        }

        if (plan.Way == Way.RunFunc && !plan.Throws && returned != ValueOf(worker, visit))
        {
            Break(Before + Sentence(
                $"{who}: the work returned {ValueOf(worker, visit)}, but Run<T> returned {returned}. Run<T> must return what " +
                "its own work returned" + (returned is { } other && other >= 100
                    ? $" ({other} is what another worker's work returned: a result kept in a field that every worker shares?)."
                    : ".")));
        }
    }

    /// <summary>The partner of a worker that hands slots off: stays inside in its place, then gives the slot back with Exit().</summary>
    private void GiveBackHandedSlots(int worker)
    {
        var partner = _partnerOf[worker];
        var handOffs = _plans[worker].Count(visit => visit.Way == Way.HandOff);
        for (var given = 0; given < handOffs; given++)
        {
            lock (_gate)
            {
                while (_handedOff[worker] <= given && _n[GaveUp] == 0)
                {
                    if (!WaitOnGate())
                    {
                        return;
                    }
                }

                if (_n[GaveUp] != 0)
                {
                    return;
                }
            }

            StayInside();
            Leave(partner);
            SetState(partner, InExit, Way.HandOff);
            try
            {
                _throttle.Exit();
            }
            catch (SemaphoreFullException) when (ExtraExit)
            {
                Refused($"the Exit() of the slot worker {worker + 1} handed to another thread");
            }
            catch (Exception e) when (e is not InvariantViolationException)
            {
                Break(Before + Sentence(
                    $"{Name(worker)} took a slot with Enter() on its thread and handed it to another thread, as a download " +
                    $"started here and finished in a callback there does. That thread's Exit() threw {e.GetType().Name}" +
                    $"(\"{e.Message}\"), although Exit had not been called more times than Enter. A semaphore does not know who " +
                    "entered: any thread may give a slot back (SemaphoreSlim.Release does not look at the thread). Count the " +
                    "slots of the throttle, not the slots of each thread (no ThreadLocal, [ThreadStatic] or thread ids)."));
                return;
            }

            Accepted($"the Exit() of the slot worker {worker + 1} handed to another thread");
            SetState(partner, given == handOffs - 1 ? Left : NotStarted, null);
        }
    }

    private void CallExtraExit()
    {
        var gate = _gate;
        var n = _n;
        var states = _states;
        var me = _extraExit;
        var limit = _limit;
        var throttle = _throttle;
        var calls = n[Extras];
        for (var call = 0; call < calls; call++)
        {
            if (n[OnRealThreads] != 0)
            {
                // Come in at a different moment each time: while the workers crowd in, or a little later.
                Thread.SpinWait(Random.Shared.Next(0, 4 * SpinsInside));
            }

            lock (gate)
            {
                // Meet a worker that waits for this Exit, if any is still to come.
                while (n[Meeting] == 0 && n[MeetingsLeft] > 0 && n[GaveUp] == 0)
                {
                    if (!WaitOnGate())
                    {
                        break;
                    }
                }

                n[ExtraState] = ExtraCalling;
                states[me] = InExit;
                n[MostExcess] = n[InsideNow] - limit - n[ExtraAccepted];
                Monitor.PulseAll(gate);
            }

            Exception? thrown = null;
            try
            {
                throttle.Exit();
            }
            catch (Exception e)
            {
                thrown = e;
            }

            int excess;
            lock (gate)
            {
                n[ExtraState] = ExtraNotStarted;
                n[ExtrasDone]++;
                Monitor.PulseAll(gate);
                states[me] = call == calls - 1 ? Left : NotStarted;
                excess = n[MostExcess];
                if (thrown is null)
                {
                    n[ExtraAccepted]++;
                }
            }

            if (thrown is null)
            {
                Accepted($"the grader's extra Exit() number {call + 1}");
            }

            if (thrown is SemaphoreFullException)
            {
                Refused($"the grader's extra Exit() number {call + 1}");
                if (excess > 0)
                {
                    Break(Before + Sentence(
                        $"while one of the grader's extra Exit() calls was running (it was refused in the end, with " +
                        $"SemaphoreFullException), {_limit + excess} workers were inside the Throttle({_limit}) at once. " +
                        "A refused Exit must change nothing, not even for a moment: yours made a slot free before it found out " +
                        "it had to refuse, and a worker that came in at that moment took it. Decide first, under the same " +
                        "lock (or in one atomic step), whether there is a slot to give back; SemaphoreSlim(limit, limit)." +
                        "Release does."));
                }
            }
            else if (thrown is not null)
            {
                Break(Before + Sentence(
                    $"the grader called Exit() more times than Enter() while workers came and went, and Exit() threw " +
                    $"{thrown.GetType().Name}(\"{thrown.Message}\"). An Exit that finds nothing to give back must throw " +
                    "SemaphoreFullException."));
            }
        }
    }

    /// <summary>
    /// With an extra Exit in the run, there was one Exit more than Enters: exactly one of them must have been refused
    /// (which one depends on the timing: a semaphore does not know who entered).
    /// </summary>
    private void JudgeRefusals()
    {
        List<string> refused;
        lock (_gate)
        {
            refused = [.. _refused];
        }

        var enters = _plans.Sum(plan => plan.Length);
        var exits = enters + ExtraExits;
        if (refused.Count < ExtraExits)
        {
            Break(Before + Sentence(
                $"the workers entered {enters} times and the grader called Exit() {ExtraExits} more time" +
                $"{(ExtraExits == 1 ? "" : "s")}, while they came and went: {exits} Exits for {enters} Enters, yet only " +
                $"{refused.Count} {(refused.Count == 1 ? "was" : "were")} refused" +
                (refused.Count > 0 ? $" ({string.Join(", ", refused)})" : "") + $". {ExtraExits} must throw " +
                "SemaphoreFullException (each one that finds every slot already free); accepting one more gives the " +
                "throttle a slot more than its limit. Yours accepted an Exit too many when two Exits came at the same " +
                "moment: \"is there a slot to give back?\" and \"give it back\" must be one atomic step (one lock, or " +
                "SemaphoreSlim(limit, limit).Release, which checks maxCount itself)."));
        }
        else if (refused.Count > ExtraExits)
        {
            Break(Before + Sentence(
                $"the workers entered {enters} times and the grader called Exit() {ExtraExits} more time" +
                $"{(ExtraExits == 1 ? "" : "s")}: {exits} Exits for {enters} Enters, so exactly {ExtraExits} must be refused, " +
                $"but {refused.Count} were ({string.Join(", ", refused)}). An Exit was refused although a slot was taken: " +
                "your count of free slots went wrong when Exits came at the same moment. A refused Exit must change " +
                "nothing, not even for a moment: an Exit that first gives a slot back, and takes it back when it then sees " +
                "too many free, refuses twice when two such Exits overlap (each sees the other's slot), and a slot is lost. " +
                "Decide whether there is a slot to give back and give it back in one atomic step (one lock around both, " +
                "or SemaphoreSlim(limit, limit).Release, which checks maxCount itself)."));
        }
    }

    /// <summary>After every worker has left: the grader takes every slot on one thread; a newcomer must then wait.</summary>
    private void CheckAsNew()
    {
        SetState(_checker, WaitingToEnter, Way.EnterExit);
        for (var entered = 0; entered < _limit; entered++)
        {
            try
            {
                _throttle.Enter();
            }
            catch (Exception e) when (e is not InvariantViolationException)
            {
                Break(Before + Sentence($"every worker had left; then the grader's Enter() threw {e.GetType().Name}(\"{e.Message}\")."));
                GiveUpWaiting();
                return;
            }

            lock (_gate)
            {
                _n[CheckerEntered]++;
            }
        }

        SetState(_checker, Inside, Way.EnterExit);
        lock (_gate)
        {
            _n[NewcomerMayGo] = 1;
            Monitor.PulseAll(_gate);
        }

        // Give the newcomer its chance to get in wrongly: under Coyote a few scheduling points, on real threads a moment
        // (a throttle with a slot too many lets it in at once).
        if (_scheduling == Scheduling.Systematic)
        {
            for (var step = 0; step < StepsInside; step++)
            {
                lock (_gate)
                {
                    _ = _n[NewcomerIn];
                }
            }
        }
        else
        {
            Thread.Sleep(20);
        }

        bool newcomerIn;
        lock (_gate)
        {
            newcomerIn = _n[NewcomerIn] != 0;
        }

        if (newcomerIn)
        {
            Break(Before + Sentence(
                $"every worker had left; then the grader took all {_limit} slot{(_limit == 1 ? "" : "s")} with Enter() on one " +
                $"thread and stayed inside, and yet another Enter() got in too: {_limit + 1} inside a Throttle({_limit}). Your " +
                "throttle has more slots than its limit: it gained one during the run (an Exit accepted too many, or a refused " +
                "Exit that still gave a slot), or it never kept to its limit (does it use the limit it was given?). " +
                TooManyAdvice));
        }

        for (var exited = 0; exited < _limit; exited++)
        {
            try
            {
                _throttle.Exit();
            }
            catch (Exception e) when (e is not InvariantViolationException)
            {
                Break(Before + Sentence(
                    $"every worker had left; the grader entered {_limit} times, and its Exit() number {exited + 1} threw " +
                    $"{e.GetType().Name}(\"{e.Message}\"): the throttle has lost count of its slots."));
                GiveUpWaiting();
                return;
            }
        }

        SetState(_checker, Left, null);
    }

    private void ComeAsNewcomer()
    {
        lock (_gate)
        {
            while (_n[NewcomerMayGo] == 0 && _n[GaveUp] == 0)
            {
                if (!WaitOnGate())
                {
                    return;
                }
            }

            if (_n[GaveUp] != 0)
            {
                return;
            }
        }

        SetState(_newcomer, WaitingToEnter, Way.EnterExit);
        try
        {
            _throttle.Enter();
            lock (_gate)
            {
                _n[NewcomerIn] = 1;
                _states[_newcomer] = Inside;
            }

            _throttle.Exit();
        }
        catch (Exception e) when (e is not InvariantViolationException)
        {
            Break(Before + Sentence(
                $"every worker had left, and the grader's own {_limit} Enter() and Exit() calls had been accepted; then a " +
                $"newcomer's Enter() and Exit() threw {e.GetType().Name}(\"{e.Message}\")."));
            return;
        }

        SetState(_newcomer, Left, null);
    }

    private void BeInside(int worker, InvalidOperationException? failure, Meet meet, ref int ran)
    {
        ran++;
        Arrive(worker);
        if (_n[CompanyWanted] != 0)
        {
            WaitUntilEnoughWereInside();
        }
        else
        {
            StayInside();
        }

        Leave(worker);
        if (meet == Meet.Leaving)
        {
            MeetExtraExit();
        }

        if (failure is not null)
        {
            throw failure;
        }
    }

    /// <summary>
    /// Waits at a meeting point until the grader's extra Exit() is under way (or every extra Exit is done), so that the
    /// worker's next call and the extra Exit run at the same time. Measured: left to chance, an extra Exit and a worker's
    /// Exit met so rarely (the grader's own steps between them) that a check-then-release Exit survived 100 schedules on
    /// 5 seeds of 8, where a two-thread test without the grader's steps found it in 5.
    /// </summary>
    private void MeetExtraExit()
    {
        var gate = _gate;
        var n = _n;
        lock (gate)
        {
            n[Meeting]++;
            Monitor.PulseAll(gate);
            while (n[ExtraState] != ExtraCalling && n[ExtrasDone] < n[Extras] && n[GaveUp] == 0)
            {
                if (!WaitOnGate())
                {
                    break;
                }
            }

            n[Meeting]--;
            n[MeetingsLeft]--;
            Monitor.PulseAll(gate);
        }
    }

    private void Arrive(int worker)
    {
        // Locals: every read of a field is a scheduling point under Coyote (see _n).
        var gate = _gate;
        var n = _n;
        var states = _states;
        var limit = _limit;
        string? tooMany = null;
        lock (gate)
        {
            states[worker] = Inside;
            var inside = ++n[InsideNow];
            n[MostInside] = Math.Max(n[MostInside], inside);
            var extraCalling = n[ExtraState] == ExtraCalling;
            if (extraCalling)
            {
                n[MostExcess] = Math.Max(n[MostExcess], inside - limit - n[ExtraAccepted]);
            }

            // Each extra Exit that was accepted (a slot was taken when it came) lets one more in until a worker's own Exit
            // is refused; while one runs, its verdict is still open (judged when it returns).
            if (inside > limit + n[ExtraAccepted] + (extraCalling ? 1 : 0))
            {
                var everyone = Enumerable.Range(0, states.Length).Where(p => states[p] == Inside).ToList();
                tooMany = Before + Sentence(
                    $"{inside} workers were inside at once, but the limit is {limit}: {Describe(everyone)} were all doing " +
                    $"their work. {TooManyAdvice}");
            }

            if (n[CompanyWanted] != 0)
            {
                Monitor.PulseAll(gate);
            }
        }

        if (tooMany is not null)
        {
            Break(tooMany);
        }
    }

    /// <summary>The participant's work is done; it is on its way out (its Exit comes next).</summary>
    private void Leave(int participant)
    {
        var gate = _gate;
        var n = _n;
        var states = _states;
        lock (gate)
        {
            n[InsideNow]--;
            states[participant] = InExit;
        }
    }

    /// <summary>
    /// Stays inside a moment, as a real download would. Under Coyote every lock is a point where another thread may run:
    /// a few of them bring the schedules where everyone is inside at once early. On real threads a few microseconds of
    /// spinning: the others arrive while this worker is inside, and workers come and go many times per run, so that
    /// many Enter calls meet (a Thread.Sleep(1) here made each run a handful of 1 ms turns in which Enter calls rarely met).
    /// </summary>
    private void StayInside()
    {
        var n = _n;
        if (n[OnRealThreads] != 0)
        {
            Thread.SpinWait(SpinsInside);
            return;
        }

        var gate = _gate;
        for (var step = 0; step < StepsInside; step++)
        {
            lock (gate)
            {
                _ = n[InsideNow];
            }
        }
    }

    private void WaitUntilEnoughWereInside()
    {
        string? stuck = null;
        lock (_gate)
        {
            while (_n[MostInside] < _limit && _n[GaveUp] == 0)
            {
                if (!WaitOnGate())
                {
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
    /// Waits on <see cref="_gate"/> (held by the caller). Untimed under Coyote; on real threads false after
    /// <see cref="s_patience"/> with nothing happening, and then every waiting grader thread gives up, so that the run ends.
    /// </summary>
    private bool WaitOnGate() => _scheduling.WaitOnce(_gate, s_patience, () => _n[GaveUp] != 0, () => _n[GaveUp] = 1);

    /// <summary>
    /// An Exit returned normally. A bounded semaphore never accepts more Exits than Enters: counted against every Enter
    /// that has started (one still waiting may be the one this Exit freed a slot for), more accepted Exits than that is
    /// wrong whatever the timing.
    /// </summary>
    private void Accepted(string who)
    {
        var gate = _gate;
        var n = _n;
        int accepted, started;
        lock (gate)
        {
            accepted = ++n[ExitsAccepted];
            started = n[EntersStarted];
        }

        if (accepted > started && n[Extras] > 0)
        {
            Break(Before + Sentence(
                $"{who} was accepted, but that made {accepted} accepted Exits for {started} Enters (counting those still " +
                "waiting): an Exit too many was accepted. Exit must throw SemaphoreFullException when every slot is already " +
                "free, and \"is there a slot to give back?\" and \"give it back\" must be one atomic step: two Exits that " +
                "come at the same moment, with one slot taken, must not both be accepted (one lock around both, or " +
                "SemaphoreSlim(limit, limit).Release, which checks maxCount itself)."));
        }
    }

    private void Refused(string who)
    {
        lock (_gate)
        {
            _refused.Add(who);
        }
    }

    /// <summary>Lets every grader thread that waits on the gate go, after a failure that ends the run.</summary>
    private void GiveUpWaiting()
    {
        lock (_gate)
        {
            _n[GaveUp] = 1;
            Monitor.PulseAll(_gate);
        }
    }

    private void SetState(int participant, int state, Way? way)
    {
        lock (_gate)
        {
            _states[participant] = state;
            _waysNow[participant] = way;
            if (ExtraExit)
            {
                Monitor.PulseAll(_gate);
            }
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

    private static int ValueOf(int worker, int visit) => 100 * (worker + 1) + visit + 1;

    private InvalidOperationException FailureOf(int worker, int visit)
    {
        lock (_gate)
        {
            var key = (worker, visit);
            if (!_failures.TryGetValue(key, out var failure))
            {
                failure = new InvalidOperationException($"download {worker + 1}.{visit + 1} failed");
                _failures[key] = failure;
            }

            return failure;
        }
    }

    private string Describe(List<int> participants)
    {
        var names = participants.Select(p => _waysNow[p] is { } way && p < _plans.Count
            ? $"{_names[p]} (through {Call(way)})"
            : _names[p]).ToList();
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

    private static string Ordinal(int visit) => visit switch
    {
        0 => "1st",
        1 => "2nd",
        2 => "3rd",
        _ => $"{visit + 1}th",
    };

    public static string Call(Way way) => way switch
    {
        Way.RunAction => "Run(Action)",
        Way.RunFunc => "Run<T>(Func<T>)",
        Way.EnterExit => "Enter()/Exit()",
        _ => "Enter() here, Exit() on another thread",
    };
}
