using Katas.DelayedStart;

namespace Katas.Graders.DelayedStart;

/// <summary>
/// The race every timer has: the timer fires on one thread while Cancel runs on another. Exactly one
/// of them must win, and Cancel's answer must say which.
/// </summary>
public sealed class CancelRaceGrader
{
    [Test]
    public void Cancel_racing_the_timer_is_decided_once()
    {
        new ConcurrencyCheck
        {
            KataType = typeof(DelayedAction),
            Property = "when Cancel() races the timer, either the action runs and Cancel() returns false, or it never runs and Cancel() returns true",
            Iteration = CancelWhileTheTimerFires,
            ReadNext = Scenario.ReadNext,
            ExplainDeadlock = () =>
                "Completion never finished: after the timer fired and Cancel() ran, nothing completed it. When the action " +
                "runs, set its result (TrySetResult or TrySetException); when Cancel wins, cancel it (TrySetCanceled).",
        }.Verify();
    }

    private static void CancelWhileTheTimerFires()
    {
        var runs = 0;
        var clock = new RecordingClock();
        var action = new DelayedAction(TimeSpan.FromSeconds(1), () => Interlocked.Increment(ref runs), clock);
        action.Start();

        var canceled = false;
        // Unnamed threads on purpose: Coyote loses control of a thread whose Name is set.
        var timer = new Thread(() => clock.Advance(TimeSpan.FromSeconds(1)));
        var canceller = new Thread(() => canceled = action.Cancel());
        timer.Start();
        canceller.Start();
        timer.Join();
        canceller.Join();
        try
        {
            action.Completion.Wait();
        }
        catch (AggregateException)
        {
            // Canceled or faulted: the invariants below say which was right.
        }

        Invariant.Holds(runs <= 1, $"The action ran {runs} times; a DelayedAction runs at most once.");
        if (canceled)
        {
            Invariant.Holds(runs == 0,
                "Cancel() returned true (\"the action will not run\"), but the action ran anyway. The timer fired while " +
                "Cancel() was running: your callback checked \"canceled?\" before Cancel() set it, then ran the action. " +
                "Deciding \"run\" or \"cancel\" must be one atomic step that both sides take: a lock around the check and " +
                "the state change in the callback and in Cancel(), or Interlocked.CompareExchange on one state field.");
            Invariant.Holds(action.Completion.IsCanceled,
                $"Cancel() returned true, so Completion must end canceled, but it is {action.Completion.Status}.");
        }
        else
        {
            Invariant.Holds(runs == 1,
                "Cancel() returned false (\"too late, it runs\"), but the action never ran: the callback saw the cancel " +
                "and gave up after Cancel() had already decided the action would run. The callback and Cancel() must " +
                "decide under the same lock (or one Interlocked.CompareExchange), so that they agree.");
            Invariant.Holds(action.Completion.IsCompletedSuccessfully,
                $"The action ran, so Completion must end successfully, but it is {action.Completion.Status}.");
        }
    }
}
