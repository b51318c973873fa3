namespace Katas.CpuBoundSpeedup;

/// <summary>
/// Runs copies of a CPU-bound job three ways, like the lesson: one after another, on threads, in processes.
/// Every method returns the copies' results in copy order: <c>result[i]</c> is what copy <c>i</c> returned.
/// </summary>
public static class CountRunner
{
    /// <summary>Calls <c>job(0)</c>, <c>job(1)</c>, ... on the calling thread, one after another.</summary>
    public static long[] Sequentially(Func<int, long> job, int copies)
    {
        var results = new long[copies];
        for (var copy = 0; copy < copies; copy++)
        {
            results[copy] = job(copy);
        }

        return results;
    }

    /// <summary>
    /// Calls <c>job(i)</c> for every copy, each on a new thread of its own (not the calling thread, not the thread pool),
    /// all at the same time, however many copies there are.
    /// </summary>
    /// <remarks>TODO: this runs the copies one after another on the calling thread. Give each its own Thread.</remarks>
    public static long[] OnThreads(Func<int, long> job, int copies) => Sequentially(job, copies);

    /// <summary>
    /// Runs <c>Countdown.Count(n)</c> once in each of <paramref name="copies"/> child processes
    /// (<c>dotnet CpuBoundSpeedup.dll count n</c>), all at the same time, and returns what each printed. A child that exits
    /// with a code other than 0 is an error: throw. Every <see cref="System.Diagnostics.Process"/> started is disposed, also
    /// when one of them failed.
    /// </summary>
    /// <remarks>
    /// TODO: this counts in this process, one copy after another. Start the child processes (Program.DotnetHost
    /// runs Program.ProgramFile), then collect what each printed. See README.md.
    /// </remarks>
    public static long[] InProcesses(long n, int copies) => Sequentially(_ => Countdown.Count(n), copies);
}
