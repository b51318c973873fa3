using Katas.CpuBoundSpeedup;

namespace Katas.Graders.CpuBoundSpeedup;

/// <summary>
/// The copies really run at the same time: proved by what they saw (each other, or each other's clocks),
/// not by how fast they were. These checks hold on one core and on a busy machine too.
/// </summary>
public sealed class SimultaneityGrader
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(60);

    [Test, OnRealThreads]
    public void OnThreads_runs_the_copies_at_the_same_time()
    {
        var rendezvous = new Rendezvous(2);
        var results = Bounded.Run(s_limit, "CountRunner.OnThreads(job, 2) with copies that wait for each other",
            () => CountRunner.OnThreads(rendezvous.Job, 2));

        Invariant.Holds(rendezvous.GaveUp is null,
            $"OnThreads ran its copies one after another: {rendezvous.GaveUp}. Each copy of this job waits until all have " +
            "started, so copies running at the same time meet at once. Start every thread first, and only then Join them " +
            "(a Join right after its Start waits for that thread before the next one starts). " +
            $"Read next: {ResultsGrader.ReadNext}");
        results.Should().HaveCount(2);
    }

    [Test, OnRealThreads]
    public void InProcesses_runs_the_children_at_the_same_time()
    {
        // Counting lasts far longer than starting a child can take on a busy machine (the self-test's CI saw a second
        // child, started right after the first, begin counting only after a 400 ms count had ended): correct code
        // overlaps by seconds, code that waits for each child never overlaps at all, whatever the length.
        var n = CountSize.Lasting(TimeSpan.FromSeconds(3));
        using var trace = new ChildTrace();
        Bounded.Run(s_limit, $"CountRunner.InProcesses({n}, 2)", () => CountRunner.InProcesses(n, 2));

        var children = trace.Read();
        Invariant.Holds(children.Count == 2,
            $"InProcesses must count in 2 child processes, but {children.Count} counted. Read next: {ResultsGrader.ReadNext}");
        var (first, second) = (children[0], children[1]);
        Invariant.Holds(second.Started < first.Finished,
            $"The second child process started counting {(second.Started - first.Finished).TotalMilliseconds:N0} ms after " +
            "the first had finished: InProcesses waited for each child before starting the next. Start all the children " +
            "first; then read each one's output and wait for it (the others keep running meanwhile). " +
            $"Read next: {ResultsGrader.ReadNext}");
    }
}
