using System.Diagnostics;
using Katas.DelayedStart;

namespace Katas.Graders.DelayedStart;

/// <summary>The timer itself, on a fake clock that moves only when the grader moves it.</summary>
public sealed class DelayedActionGrader
{
    [Test, OnRealThreads]
    public void Does_not_run_before_the_delay()
    {
        using var scenario = new Scenario();
        scenario.Start();

        scenario.Advance(Scenario.Delay - TimeSpan.FromTicks(1));
        Thread.Sleep(Scenario.Settle);

        scenario.Runs.Should().Be(0,
            "the clock is one tick short of the delay, so the action must not have run yet. Does your timer start " +
            "with a shorter due time (TimeSpan.Zero? milliseconds taken as seconds?)\nRead next: {0}", Scenario.ReadNext);
    }

    [Test, OnRealThreads]
    public void Runs_when_the_clock_reaches_the_delay()
    {
        using var scenario = new Scenario();
        scenario.Start();

        scenario.Advance(Scenario.Delay);

        scenario.CompletionFinishes(TimeSpan.FromSeconds(2)).Should().BeTrue(
            "the clock has reached the delay, so the action must run and Completion must finish. If nothing happens, " +
            "your code probably waits on the real clock (Thread.Sleep, Task.Delay without the TimeProvider): create the " +
            "timer with the given TimeProvider, time.CreateTimer(callback, state, delay, Timeout.InfiniteTimeSpan)\nRead next: {0}",
            Scenario.ReadNext);
        scenario.Runs.Should().Be(1, "the action runs exactly once when the delay has passed");
        scenario.Action.Completion.IsCompletedSuccessfully.Should().BeTrue("Completion finishes successfully when the action has run");
    }

    [Test, OnRealThreads]
    public void Runs_only_once_however_far_the_clock_goes()
    {
        using var scenario = new Scenario();
        scenario.Start();

        for (var step = 0; step < 10; step++)
        {
            scenario.Advance(Scenario.Delay);
        }

        Thread.Sleep(Scenario.Settle);
        scenario.Runs.Should().BeGreaterThan(0,
            "the clock went ten delays forward, so the action must have run (see Runs_when_the_clock_reaches_the_delay)");
        scenario.Runs.Should().Be(1,
            "the clock went ten delays forward and a DelayedAction runs once, like Python's Timer. A timer created with " +
            "period = delay fires again every delay: give it the period Timeout.InfiniteTimeSpan\nRead next: {0}",
            Scenario.ReadNext);
    }

    [Test, OnRealThreads]
    public void Cancel_before_the_delay_means_it_never_runs()
    {
        using var scenario = new Scenario();
        scenario.Start();
        scenario.Advance(Scenario.Delay / 2);

        scenario.Cancel().Should().BeTrue("Cancel before the delay stops the action, and says so by returning true");
        // The clock stays where it is: Completion must end because Cancel() won, not because the delay passed.
        scenario.CompletionFinishes(TimeSpan.FromSeconds(2)).Should().BeTrue(
            "Cancel() returned true, so Completion must end (canceled) now, without waiting for the delay: a Join after " +
            "cancel() must not wait for a timer that will never run the action. Call TrySetCanceled in Cancel() itself\n" +
            "Read next: {0}", Scenario.ReadNext);
        scenario.Action.Completion.IsCanceled.Should().BeTrue(
            "Completion of a canceled action ends as canceled (TaskCompletionSource.TrySetCanceled), so a waiting Join " +
            "does not wait forever\nRead next: {0}", Scenario.ReadNext);
        scenario.Clock.TimersNotDisposed.Should().Be(0,
            "Cancel() returned true and the DelayedAction has {0}: a canceled DelayedAction holds no timer. Cancel() must " +
            "dispose it (else it stays alive, holding your DelayedAction and its action, until it comes due)\nRead next: {1}",
            scenario.Timers(), Scenario.ReadNext);

        scenario.Advance(Scenario.Delay * 2);
        Thread.Sleep(Scenario.Settle);
        scenario.Runs.Should().Be(0, "a canceled action never runs, even when the clock passes the delay afterwards");
    }

    [Test, OnRealThreads]
    public void Cancel_after_the_run_returns_false()
    {
        using var scenario = new Scenario();
        scenario.Start();
        scenario.Advance(Scenario.Delay);
        scenario.CompletionFinishes(TimeSpan.FromSeconds(2)).Should().BeTrue("the action runs when the delay has passed");

        scenario.Cancel().Should().BeFalse("Cancel after the action has run is too late, and says so by returning false");
        scenario.Action.Completion.IsCompletedSuccessfully.Should().BeTrue("a late Cancel does not change a finished Completion");
        scenario.Runs.Should().Be(1, "the action ran once");
    }

    [Test, OnRealThreads]
    public void Starts_only_once()
    {
        using var scenario = new Scenario();
        scenario.Start();

        scenario.Invoking(s => s.Start()).Should().Throw<InvalidOperationException>(
            "a DelayedAction starts once, like a Python Timer (its second start() raises RuntimeError)");
    }

    [Test, OnRealThreads]
    public void An_exception_in_the_action_goes_to_Completion()
    {
        using var scenario = new Scenario(() => throw new InvalidOperationException("the action failed"));
        scenario.Start();

        scenario.Advance(Scenario.Delay);

        scenario.CompletionFinishes(TimeSpan.FromSeconds(2)).Should().BeTrue("Completion finishes even when the action throws");
        scenario.Action.Completion.IsFaulted.Should().BeTrue("an action that threw leaves Completion faulted");
        scenario.Action.Completion.Exception!.InnerException.Should().BeOfType<InvalidOperationException>()
            .Which.Message.Should().Be("the action failed", "Completion carries the action's own exception");
        scenario.Cancel().Should().BeFalse("the action has run (it threw, but it ran): Cancel after that returns false");
        scenario.Action.Completion.IsFaulted.Should().BeTrue("a late Cancel does not change a finished Completion");
    }

    [TestCase(true, TestName = "Dispose_releases_the_timer_after_the_run")]
    [TestCase(false, TestName = "Dispose_releases_the_timer_before_the_run")]
    [OnRealThreads]
    public void Dispose_releases_the_timer(bool letItRun)
    {
        var scenario = new Scenario();
        scenario.Start();
        if (letItRun)
        {
            scenario.Advance(Scenario.Delay);
            scenario.CompletionFinishes(TimeSpan.FromSeconds(2)).Should().BeTrue("the action runs when the delay has passed");
        }

        scenario.Dispose();

        scenario.Clock.TimersCreated.Should().BeGreaterThan(0,
            "the DelayedAction must get its timer from the TimeProvider it was given");
        scenario.Clock.TimersNotDisposed.Should().Be(0,
            "after Dispose() every timer the DelayedAction created must be disposed ({0}): a timer holds resources (and a " +
            "periodic one keeps firing) until it is\nRead next: {1}", scenario.Timers(), Scenario.ReadNext);
        if (letItRun)
        {
            scenario.Action.Completion.IsCompletedSuccessfully.Should().BeTrue(
                "the action had run before Dispose(), and Dispose() does not change a finished Completion");
            return;
        }

        scenario.CompletionFinishes(TimeSpan.FromSeconds(2)).Should().BeTrue(
            "Dispose() before the delay cancels the action (the README: \"cancel if still waiting\"), so Completion must end " +
            "(canceled) now; nothing else will ever end it. Dispose() must cancel as Cancel() does (call it)\nRead next: {0}", Scenario.ReadNext);
        scenario.Action.Completion.IsCanceled.Should().BeTrue(
            "Dispose() before the delay canceled the action, so Completion ends canceled, as after Cancel()");
        scenario.Advance(Scenario.Delay * 2);
        Thread.Sleep(Scenario.Settle);
        scenario.Runs.Should().Be(0, "an action disposed before its delay never runs");
    }

    [Test, OnRealThreads]
    public void Code_waiting_for_Completion_does_not_run_inside_the_timer_callback()
    {
        using var scenario = new Scenario();
        var kata = typeof(DelayedAction).Assembly;
        var insideYourCode = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        // A continuation that asks to run synchronously runs on the thread that ends the task, inside whatever ended it,
        // unless the task's TaskCompletionSource was created with RunContinuationsAsynchronously.
        _ = scenario.Action.Completion.ContinueWith(
            _ => insideYourCode.TrySetResult(new StackTrace().GetFrames().Any(frame => frame.GetMethod()?.DeclaringType?.Assembly == kata)),
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        scenario.Start();

        scenario.Advance(Scenario.Delay);

        Bounded.Run(TimeSpan.FromSeconds(10), "waiting for a continuation of Completion", () => insideYourCode.Task.Wait(TimeSpan.FromSeconds(5)))
            .Should().BeTrue("the action ran, so Completion ends and the code waiting for it runs");
        insideYourCode.Task.Result.Should().BeFalse(
            "code waiting for Completion (a continuation, or the code after an await) ran inside your code, on the thread " +
            "that ended Completion (here: inside the timer's callback). Create the TaskCompletionSource with " +
            "TaskCreationOptions.RunContinuationsAsynchronously, so that whoever waits for Completion runs on a thread of " +
            "its own and a slow waiter does not hold up your callback\nRead next: {0}", Scenario.ReadNext);
    }
}
