using Katas.CpuBoundSpeedup;

namespace Katas.Graders.CpuBoundSpeedup;

/// <summary>Every runner returns every copy's result, in copy order, one per copy (none for none).</summary>
public sealed class ResultsGrader
{
    internal const string ReadNext = "exercises/09-cpu-bound-speedup/README.md";

    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(30);

    [Test, OnRealThreads]
    public void Sequentially_runs_every_copy_in_order_on_the_calling_thread()
    {
        var ledger = new CopyLedger(3);
        var caller = 0;
        var results = Bounded.Run(s_limit, "CountRunner.Sequentially(job, 3)", () =>
        {
            caller = Environment.CurrentManagedThreadId;
            return CountRunner.Sequentially(ledger.Job, 3);
        });

        ledger.MustMatch(results, "Sequentially");
        Enumerable.Range(0, 3).Select(ledger.ThreadOf).Should().AllBeEquivalentTo(caller,
            "Sequentially is the baseline the speed-ups are measured against: it runs every copy on the calling thread");
        Invariant.Holds(ledger.CallOrder.SequenceEqual([0, 1, 2]),
            $"Sequentially called the copies in the order {string.Join(", ", ledger.CallOrder)}: it calls job(0), job(1), job(2), " +
            $"in that order. Read next: {ReadNext}");
    }

    [Core]
    [Test]
    public void OnThreads_puts_each_copys_result_in_its_slot()
    {
        new ConcurrencyCheck
        {
            KataType = typeof(CountRunner),
            Property = "OnThreads runs every copy once and returns result[i] from copy i, whichever thread finishes first",
            Iteration = () =>
            {
                var ledger = new CopyLedger(3);
                ledger.MustMatch(CountRunner.OnThreads(ledger.Job, 3), "OnThreads");
            },
            // On real threads, copies of equal length mostly finish in the order they started; these finish last to
            // first on every run, so results kept in finishing order show at once.
            StressIteration = () =>
            {
                var ledger = new CopyLedger(3);
                ledger.MustMatch(CountRunner.OnThreads(new FinishingInReverse(3, ledger).Job, 3), "OnThreads");
            },
            StressRuns = 40,
            ReadNext = ReadNext,
        }.Verify();
    }

    [Test, OnRealThreads]
    public void InProcesses_returns_what_each_child_counted()
    {
        using var trace = new ChildTrace();
        var results = Bounded.Run(s_limit, "CountRunner.InProcesses(1000, 3)", () => CountRunner.InProcesses(1000, 3));

        results.Should().Equal([Countdown.Count(1000), Countdown.Count(1000), Countdown.Count(1000)],
            "each of the 3 child processes prints Countdown.Count(1000) = {0}, and InProcesses returns what each printed",
            Countdown.Count(1000));
        MustHaveCounted(trace, 3);
        TestContext.Out.WriteLine($"The children ran {Program.ProgramFile}.");
    }

    [TestCase(0, TestName = "Every_runner_returns_no_results_for_no_copies")]
    [TestCase(1, TestName = "Every_runner_returns_one_result_for_one_copy")]
    [OnRealThreads]
    public void Every_runner_returns_one_result_per_copy(int copies)
    {
        var sequential = new CopyLedger(copies);
        sequential.MustMatch(Bounded.Run(s_limit, $"CountRunner.Sequentially(job, {copies})", () => CountRunner.Sequentially(sequential.Job, copies)),
            $"Sequentially(job, {copies})");

        var onThreads = new CopyLedger(copies);
        var caller = 0;
        var results = Bounded.Run(s_limit, $"CountRunner.OnThreads(job, {copies})", () =>
        {
            caller = Environment.CurrentManagedThreadId;
            return CountRunner.OnThreads(onThreads.Job, copies);
        });
        onThreads.MustMatch(results, $"OnThreads(job, {copies})");
        for (var copy = 0; copy < copies; copy++)
        {
            Invariant.Holds(onThreads.ThreadOf(copy) != caller,
                $"OnThreads(job, {copies}) ran copy {copy} on the thread that called it. One copy gets a thread of its own too: " +
                $"the same code for any number of copies, no shortcut. Read next: {ReadNext}");
        }

        using var trace = new ChildTrace();
        var counted = Bounded.Run(s_limit, $"CountRunner.InProcesses(1000, {copies})", () => CountRunner.InProcesses(1000, copies));
        counted.Should().Equal(Enumerable.Repeat(Countdown.Count(1000), copies),
            "InProcesses(1000, {0}) returns one result per copy: what each of its {0} children printed", copies);
        MustHaveCounted(trace, copies);
    }

    private static void MustHaveCounted(ChildTrace trace, int copies)
    {
        var children = trace.Read();
        Invariant.Holds(children.Count == copies && children.All(child => child.ProcessId != Environment.ProcessId),
            $"InProcesses must count in {copies} child process{(copies == 1 ? "" : "es")}, but {children.Count} child processes counted. " +
            "Start each with Process.Start(Program.DotnetHost) and the arguments Program.ProgramFile, \"count\", n: that runs " +
            $"this kata's Program.Main in a new process, once per copy. Read next: {ReadNext}");
    }
}
