using Katas.CpuBoundSpeedup;

namespace Katas.Graders.CpuBoundSpeedup;

/// <summary>Every runner returns every copy's result, in copy order.</summary>
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
    }

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
        var children = trace.Read();
        Invariant.Holds(children.Count == 3 && children.All(child => child.ProcessId != Environment.ProcessId),
            $"InProcesses must count in 3 child processes, but {children.Count} child processes counted. Start each with " +
            "Process.Start(Program.DotnetHost) and the arguments Program.ProgramFile, \"count\", n: that runs this kata's " +
            $"Program.Main in a new process. Read next: {ReadNext}");
    }
}
