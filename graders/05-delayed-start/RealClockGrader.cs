using System.Diagnostics;
using Katas.DelayedStart;

namespace Katas.Graders.DelayedStart;

/// <summary>Once on the real clock, as the lesson ran it (kept short: these tests wait for real).</summary>
public sealed class RealClockGrader
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(10);

    [Test, OnRealThreads]
    public void On_the_real_clock_it_waits_for_the_delay()
    {
        var delay = TimeSpan.FromMilliseconds(300);
        var started = Stopwatch.StartNew();
        var ranAfter = TimeSpan.Zero;
        using var action = new DelayedAction(delay, () => ranAfter = started.Elapsed);

        Bounded.Run(s_limit, "starting a DelayedAction on the real clock", action.Start);
        var finished = Bounded.Run(s_limit, "waiting for Completion on the real clock",
            () => ((IAsyncResult)action.Completion).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(3)));

        finished.Should().BeTrue("with no TimeProvider given, DelayedAction uses the real clock (TimeProvider.System) and " +
            "runs after {0} ms", delay.TotalMilliseconds);
        // Timers may fire a clock tick early on some systems; more than that is starting before the delay.
        ranAfter.Should().BeGreaterThanOrEqualTo(delay - TimeSpan.FromMilliseconds(20),
            "the action must not start before its delay\nRead next: {0}", Scenario.ReadNext);
    }

    [Test, OnRealThreads]
    public void On_the_real_clock_the_action_runs_on_a_thread_pool_thread()
    {
        Thread? ranOn = null;
        var wasPoolThread = false;
        Thread? startedOn = null;
        using var action = new DelayedAction(TimeSpan.FromMilliseconds(50), () =>
        {
            ranOn = Thread.CurrentThread;
            wasPoolThread = Thread.CurrentThread.IsThreadPoolThread;
        });

        Bounded.Run(s_limit, "starting a DelayedAction on the real clock", () =>
        {
            startedOn = Thread.CurrentThread;
            action.Start();
        });
        var finished = Bounded.Run(s_limit, "waiting for Completion on the real clock",
            () => ((IAsyncResult)action.Completion).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(3)));

        finished.Should().BeTrue("a DelayedAction on the real clock runs its action 50 ms after Start()");
        ranOn.Should().NotBeSameAs(startedOn,
            "the action must run later on another thread, not inside Start() (Start() returns at once and the action " +
            "runs when the timer fires)\nRead next: {0}", Scenario.ReadNext);
        wasPoolThread.Should().BeTrue(
            "the action ran on a thread of its own, not on a thread-pool thread: a thread that sleeps (or waits) until the " +
            "delay has passed is what Python's Timer does and what this kata replaces. A timer from the TimeProvider " +
            "(time.CreateTimer) costs no thread while it waits and runs its callback on a thread-pool thread\nRead next: {0}",
            Scenario.ReadNext);
    }

    [Test, OnRealThreads]
    public void The_lesson_program_prints_3000000_then_6000000()
    {
        var output = new CappedWriter();

        Bounded.Run(s_limit, "running DelayedStartProgram.Run with a 500 ms delay",
            () => DelayedStartProgram.Run(output, TimeSpan.FromMilliseconds(500)));

        output.Lines().Should().Equal(["3000000", "6000000"],
            "the first operation runs at once and prints 3000000; the second starts half a second later and prints 6000000 " +
            "(output was:\n{0})", output);
    }
}
