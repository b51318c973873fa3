using Katas.CpuBoundSpeedup;

namespace Katas.Graders.CpuBoundSpeedup;

/// <summary>
/// The copies really run at the same time, each on a thread (or in a process) of its own: proved by what they saw
/// (each other, or each other's clocks), not by how fast they were. These checks hold on one core and on a busy machine
/// too. Every scenario has more copies than the machine has cores: "at the same time" means all of them, not a batch.
/// </summary>
public sealed class SimultaneityGrader
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(60);

    /// <summary>More copies than cores: code that runs them in batches of Environment.ProcessorCount cannot meet them all.</summary>
    private static int MoreThreadsThanCores => Environment.ProcessorCount + 2;

    [Core]
    [Test, OnRealThreads]
    public void OnThreads_runs_the_copies_at_the_same_time()
    {
        var copies = MoreThreadsThanCores;
        var rendezvous = new Rendezvous(copies);
        var results = Bounded.Run(s_limit, $"CountRunner.OnThreads(job, {copies}) with copies that wait for each other",
            () => CountRunner.OnThreads(rendezvous.Job, copies));

        Invariant.Holds(rendezvous.GaveUp is null,
            $"OnThreads did not run its {copies} copies at the same time ({Environment.ProcessorCount} cores here): {rendezvous.GaveUp}. " +
            "Each copy of this job waits until all have started, so copies running at the same time meet at once. Start every " +
            "thread first, and only then Join them (a Join right after its Start waits for that thread before the next one " +
            "starts), and start all of them, however many copies there are: more threads than cores still run at the same " +
            $"time, taking turns on the cores. Read next: {ResultsGrader.ReadNext}");
        results.Should().HaveCount(copies);
    }

    [Test, OnRealThreads]
    public void OnThreads_runs_each_copy_on_a_thread_of_its_own()
    {
        var copies = MoreThreadsThanCores;
        var rendezvous = new Rendezvous(copies);
        var caller = 0;
        Bounded.Run(s_limit, $"CountRunner.OnThreads(job, {copies}) with copies that wait for each other", () =>
        {
            caller = Environment.CurrentManagedThreadId;
            return CountRunner.OnThreads(rendezvous.Job, copies);
        });

        var ran = rendezvous.Threads;
        var never = Enumerable.Range(0, copies).Where(copy => ran[copy] is null).ToList();
        Invariant.Holds(never.Count == 0,
            $"OnThreads({copies} copies) never ran cop{(never.Count == 1 ? "y" : "ies")} {string.Join(", ", never)}: every copy " +
            $"runs once. Read next: {ResultsGrader.ReadNext}");
        var copiesRan = ran.OfType<CopyThread>().ToList();
        var onCaller = copiesRan.Where(copy => copy.ThreadId == caller).Select(copy => copy.Copy).ToList();
        Invariant.Holds(onCaller.Count == 0,
            $"OnThreads ran copy {string.Join(", ", onCaller)} on the thread that called it. Every copy runs on a new thread of " +
            "its own; the calling thread only starts them and waits for them (Parallel.For is not that: it runs a share of " +
            $"the copies on the calling thread and the rest on pool threads). Read next: {ResultsGrader.ReadNext}");
        var onPool = copiesRan.Where(copy => copy.IsThreadPoolThread).Select(copy => copy.Copy).ToList();
        Invariant.Holds(onPool.Count == 0,
            $"OnThreads ran cop{(onPool.Count == 1 ? "y" : "ies")} {string.Join(", ", onPool)} on thread-pool threads (Task.Run, " +
            "Parallel.For, ThreadPool.QueueUserWorkItem). The pool's threads are shared and few at first: with more copies " +
            "than pool threads, the rest wait for a free one instead of starting. Give every copy a thread of its own: " +
            $"`new Thread(...)` (or a task started with TaskCreationOptions.LongRunning). Read next: {ResultsGrader.ReadNext}");
        var shared = copiesRan.GroupBy(copy => copy.ThreadId).Where(group => group.Count() > 1).Select(group => group.Select(copy => copy.Copy).ToList()).FirstOrDefault();
        Invariant.Holds(shared is null,
            $"OnThreads ran copies {string.Join(" and ", shared ?? [])} on the same thread, one after the other: every copy gets a " +
            $"thread of its own. Read next: {ResultsGrader.ReadNext}");
    }

    [Core]
    [Test, OnRealThreads]
    public void InProcesses_runs_the_children_at_the_same_time()
    {
        // Counting lasts far longer than starting a child can take on a busy machine (the self-test's CI saw a second
        // child, started right after the first, begin counting only after a 400 ms count had ended): correct code
        // overlaps by seconds, code that waits for each child (or each batch) never overlaps them all, whatever the length.
        var children = Environment.ProcessorCount + 1;
        var n = CountSize.Lasting(TimeSpan.FromSeconds(2));
        using var trace = new ChildTrace();
        Bounded.Run(s_limit, $"CountRunner.InProcesses({n}, {children})", () => CountRunner.InProcesses(n, children));

        var spans = trace.Read();
        Invariant.Holds(spans.Count == children,
            $"InProcesses must count in {children} child processes, but {spans.Count} counted. Read next: {ResultsGrader.ReadNext}");
        var lastToStart = spans[^1];
        var firstToFinish = spans.MinBy(span => span.Finished)!;
        Invariant.Holds(lastToStart.Started < firstToFinish.Finished,
            $"The last of {children} child processes ({Environment.ProcessorCount} cores here) started counting " +
            $"{(lastToStart.Started - firstToFinish.Finished).TotalMilliseconds:N0} ms after another child had finished: " +
            "InProcesses waited for a child (or a batch of children) before starting the next. Start all the children first, " +
            "however many copies there are; then read each one's output and wait for it (the others keep running meanwhile). " +
            $"Read next: {ResultsGrader.ReadNext}");
    }
}
