using Katas.DelayedStart;

namespace Katas.Graders.DelayedStart;

/// <summary>
/// Every public member used at the same time as the others: the timer fires on one thread while Start, Cancel or
/// Dispose run on another. Coyote tries the interleavings on the fake clock (it fires the timer on the thread that moves
/// it); code that uses what Coyote cannot see (System.Threading.Lock, PeriodicTimer) is run on real threads instead,
/// the grader's threads released together so that they overlap.
/// </summary>
public sealed class RaceGrader
{
    private const string TheAtomicStep =
        "Every decision about the state (start, run, cancel) must be one atomic step that all sides take: the same lock " +
        "around the check and the change in Start(), Cancel() and the callback, or one Interlocked.CompareExchange on one " +
        "state field.";

    [Core]
    [Test]
    public void Two_Starts_at_once_start_it_once() => Verify(
        "when two threads call Start() at once, one starts the DelayedAction and the other throws InvalidOperationException; the action runs once",
        TwoStarts,
        "Start() on two threads, then the clock moved past the delay; Completion never ended.");

    [Core]
    [Test]
    public void Cancel_racing_Start_stops_it_for_good() => Verify(
        "when Cancel() races Start(), Cancel() returns true (the action had not started), the action never runs, Completion ends canceled and no timer is left",
        CancelWhileStarting,
        "Cancel() raced Start(), then the clock moved past the delay; Completion never ended: a Cancel() that returned true must " +
        "end Completion as canceled (TrySetCanceled).");

    [Core]
    [Test]
    public void Cancel_racing_the_timer_is_decided_once() => Verify(
        "when Cancel() races the timer, either the action runs and Cancel() returns false, or it never runs and Cancel() returns true",
        CancelWhileTheTimerFires,
        "Completion never finished: after the timer fired and Cancel() ran, nothing completed it. When the action runs, set " +
        "its result (TrySetResult or TrySetException); when Cancel wins, cancel it (TrySetCanceled).");

    [Test]
    public void Cancel_while_the_action_runs_returns_false_at_once() => Verify(
        "Cancel() while the action runs returns false at once, without waiting for the action; Completion ends only when the action has",
        CancelWhileTheActionRuns,
        "The action in this check waits until Cancel() has returned, and Cancel() did not return: it waited for the running " +
        "action (for the lock that the callback held while the action ran?). Decide under the lock, then run the action " +
        "outside it: a Cancel() that comes while the action runs must find the lock free and return false at once.");

    [Core]
    [Test]
    public void Dispose_racing_the_timer_is_decided_once() => Verify(
        "when Dispose() races the timer, either the action runs once and Completion succeeds, or it never runs and Completion ends canceled; every timer is disposed",
        DisposeWhileTheTimerFires,
        "Completion never finished: Dispose() raced the timer, and nothing completed Completion. Dispose() must cancel the " +
        "action when it has not run yet (Completion canceled), not only dispose the timer.");

    private static void Verify(string property, Action<Scene<Race>> iteration, string neverEnded)
    {
        var races = new Scene<Race>();
        new ConcurrencyCheck
        {
            KataType = typeof(DelayedAction),
            Property = property,
            Iteration = () => iteration(races),
            // Longer than the threads' joins, so that a stuck thread is explained by what the race noted.
            StressTimeLimit = Race.Limit + TimeSpan.FromSeconds(5),
            ExplainDeadlock = races.Explain(race => $"{neverEnded} {race.Where()}", neverEnded),
            ReadNext = Scenario.ReadNext,
        }.Verify();
    }

    private static void TwoStarts(Scene<Race> races)
    {
        var race = races.Play(new Race());
        var started = 0;
        var refused = 0;
        void StartOnce()
        {
            try
            {
                race.Action.Start();
                Interlocked.Increment(ref started);
            }
            catch (InvalidOperationException)
            {
                Interlocked.Increment(ref refused);
            }
        }

        race.Run(StartOnce, StartOnce);
        Invariant.Holds(started == 1 && refused == 1,
            $"Two threads called Start() at once: {started} of the calls started the DelayedAction and {refused} threw " +
            "InvalidOperationException. A DelayedAction starts once: exactly one call must start it, the other must throw. " +
            $"Both checked \"not started yet\" before either changed the state. {TheAtomicStep}");

        race.Clock.Advance(Race.Delay * 3);
        race.WaitForCompletion();
        Invariant.Holds(race.Runs == 1,
            $"Start() was called on two threads at once (one threw), and the clock went three delays forward: the action ran " +
            $"{race.Runs} times, not once.");
        Invariant.Holds(race.Action.Completion.IsCompletedSuccessfully,
            $"The action ran, so Completion must end successfully, but it is {race.Action.Completion.Status}.");

        race.Action.Dispose();
        Invariant.Holds(race.Clock.TimersNotDisposed == 0,
            $"After two Start() calls at once (one threw) and Dispose(): {race.Timers()}. The call that threw must not " +
            "leave a timer behind, and Dispose() must dispose every timer the DelayedAction created.");
    }

    private static void CancelWhileStarting(Scene<Race> races)
    {
        var race = races.Play(new Race());
        var canceled = false;
        race.Run(
            () =>
            {
                try
                {
                    race.Action.Start();
                }
                catch (InvalidOperationException)
                {
                    // Start() after a Cancel() that won may throw or do nothing: the invariants below hold either way.
                }
            },
            () => canceled = race.Action.Cancel());

        Invariant.Holds(canceled,
            "Cancel() and Start() ran at the same time and Cancel() returned false, but the clock had not moved: the action " +
            "had not started, so Cancel() must stop it and return true.");
        race.Clock.Advance(Race.Delay * 3);
        Invariant.Holds(race.Runs == 0,
            "Cancel() returned true (\"the action will never run\") while Start() ran on another thread, yet the action ran " +
            "when the clock passed the delay. Start() checked the state, Cancel() canceled, and then Start() scheduled the " +
            $"action anyway (it changed the state from what it had checked, not from what it was). {TheAtomicStep}");
        race.WaitForCompletion();
        Invariant.Holds(race.Action.Completion.IsCanceled,
            $"Cancel() returned true, so Completion must end canceled, but it is {race.Action.Completion.Status}.");
        Invariant.Holds(race.Clock.TimersNotDisposed == 0,
            $"Cancel() returned true while Start() ran on another thread; afterwards {race.Timers()}. A canceled " +
            "DelayedAction holds no timer: Cancel() must dispose the timer, also one that Start() creates while Cancel() " +
            "runs. If Start() creates its timer outside the lock (or after the change to \"scheduled\"), a Cancel() in " +
            "between finds no timer yet: create it in the same atomic step, or let Start() dispose it when it finds the " +
            "action canceled.");
        race.Action.Dispose();
    }

    private static void CancelWhileTheTimerFires(Scene<Race> races)
    {
        var race = races.Play(new Race());
        race.Action.Start();

        var canceled = false;
        race.Run(
            () => race.Clock.Advance(Race.Delay),
            () => canceled = race.Action.Cancel());
        race.WaitForCompletion();

        var runs = race.Runs;
        Invariant.Holds(runs <= 1, $"The action ran {runs} times; a DelayedAction runs at most once.");
        if (canceled)
        {
            Invariant.Holds(runs == 0,
                "Cancel() returned true (\"the action will not run\"), but the action ran anyway. The timer fired while " +
                "Cancel() was running: your callback checked \"canceled?\" before Cancel() set it, then ran the action. " +
                $"{TheAtomicStep}");
            Invariant.Holds(race.Action.Completion.IsCanceled,
                $"Cancel() returned true, so Completion must end canceled, but it is {race.Action.Completion.Status}.");
            Invariant.Holds(race.Clock.TimersNotDisposed == 0,
                $"Cancel() won the race against the timer (it returned true); afterwards {race.Timers()}. Cancel() must " +
                "dispose the timer: a canceled DelayedAction holds no timer.");
        }
        else
        {
            Invariant.Holds(runs == 1,
                "Cancel() returned false (\"too late, it runs\"), but the action never ran: the callback saw the cancel " +
                "and gave up after Cancel() had already decided the action would run. The callback and Cancel() must " +
                "decide under the same lock (or one Interlocked.CompareExchange), so that they agree.");
            Invariant.Holds(race.Action.Completion.IsCompletedSuccessfully,
                $"The action ran, so Completion must end successfully, but it is {race.Action.Completion.Status}.");
        }

        race.Action.Dispose();
        Invariant.Holds(race.Clock.TimersNotDisposed == 0,
            $"After the race and Dispose(): {race.Timers()}. Dispose() must dispose every timer the DelayedAction created.");
    }

    private static void CancelWhileTheActionRuns(Scene<Race> races)
    {
        // Coyote controls SemaphoreSlim; its timed Wait never times out there, so the wait below is a deadlock there and
        // five seconds on real threads (then the invariants say what happened).
        using var actionStarted = new SemaphoreSlim(0);
        using var cancelReturned = new SemaphoreSlim(0);
        var actionEnded = false;
        var race = races.Play(new Race(() =>
        {
            actionStarted.Release();
            cancelReturned.Wait(TimeSpan.FromSeconds(5));
            Volatile.Write(ref actionEnded, true);
        }));
        race.Action.Start();

        bool? answer = null;
        var endedFirst = false;
        var completedWhileRunning = false;
        race.Run(
            () =>
            {
                race.Note("the clock moves to the delay");
                race.Clock.Advance(Race.Delay);
                race.Note("the clock has moved");
            },
            () =>
            {
                actionStarted.Wait();
                race.Note("the action is running; Cancel() called");
                answer = race.Action.Cancel();
                race.Note($"Cancel() returned {answer}");
                endedFirst = Volatile.Read(ref actionEnded);
                completedWhileRunning = race.Action.Completion.IsCompleted;
                cancelReturned.Release();
            });

        Invariant.Holds(!endedFirst,
            "Cancel() was called while the action was running, and it returned only after the action had finished: Cancel() " +
            "waited for the action (for the lock that the callback held while the action ran?). Decide under the lock, then " +
            "run the action outside it, so that a Cancel() that comes while the action runs returns false at once.");
        Invariant.Holds(answer == false,
            "Cancel() was called while the action was running and returned true (\"the action will never run\"). It is " +
            "running: Cancel() must return false.");
        Invariant.Holds(!completedWhileRunning,
            "Completion had already ended while the action was still running. Completion ends when the action has run " +
            "(TrySetResult after the action returns, TrySetException if it threw), like Python's join() returns when the " +
            "function has finished.");
        race.WaitForCompletion();
        Invariant.Holds(race.Action.Completion.IsCompletedSuccessfully,
            $"The action ran (a Cancel() during it returned false), so Completion must end successfully, but it is {race.Action.Completion.Status}.");
        race.Action.Dispose();
    }

    private static void DisposeWhileTheTimerFires(Scene<Race> races)
    {
        var race = races.Play(new Race());
        race.Action.Start();

        race.Run(
            () => race.Clock.Advance(Race.Delay),
            () =>
            {
                race.Note("Dispose() called");
                race.Action.Dispose();
                race.Note("Dispose() returned");
            });
        race.WaitForCompletion();

        var runs = race.Runs;
        Invariant.Holds(runs <= 1, $"The action ran {runs} times; a DelayedAction runs at most once.");
        var completion = race.Action.Completion;
        Invariant.Holds(runs == 1 ? completion.IsCompletedSuccessfully : completion.IsCanceled,
            runs == 1
                ? $"The action ran (the timer won the race against Dispose()), so Completion must end successfully, but it is {completion.Status}."
                : $"Dispose() won the race against the timer (the action did not run), so Completion must end canceled, but it is {completion.Status}.");
        Invariant.Holds(race.Clock.TimersNotDisposed == 0,
            $"Dispose() raced the timer; afterwards {race.Timers()}. Dispose() must dispose every timer the DelayedAction " +
            "created, whoever won.");

        race.Clock.Advance(Race.Delay * 3);
        Invariant.Holds(race.Runs == runs,
            $"After Dispose() the clock went three delays forward and the action ran again ({race.Runs} runs in all): a " +
            "disposed DelayedAction never runs its action.");
    }
}
