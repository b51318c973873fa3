namespace Katas.LockedCounter;

// Known right: the lesson's program with tasks instead of threads: both operations start on thread-pool
// threads at once, each task prints its own result, and Task.WaitAll joins them. Hard for the grader:
// the threads are the pool's, not new ones, and Coyote does not control the span overload of
// Task.WaitAll, so the program check falls back to real threads.
public static class LockedCounterProgram
{
    public static void Run(TextWriter output, int firstTarget = 3_000_000, int secondTarget = 6_000_000)
    {
        var counter = new SharedCounter(firstTarget, secondTarget);
        Task.WaitAll(
            Task.Run(() => output.WriteLine(counter.FirstOperation())),
            Task.Run(() => output.WriteLine(counter.SecondOperation())));
    }
}
