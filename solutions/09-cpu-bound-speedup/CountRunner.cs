using System.Diagnostics;

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

    /// <summary>Calls <c>job(i)</c> for every copy, each on a thread of its own, all at the same time.</summary>
    public static long[] OnThreads(Func<int, long> job, int copies)
    {
        var results = new long[copies];
        var threads = new Thread[copies];
        for (var copy = 0; copy < copies; copy++)
        {
            // A copy of the loop variable per thread: a lambda captures the variable, not its value, and by the
            // time a thread runs, the loop may have moved `copy` on.
            var mine = copy;
            threads[copy] = new Thread(() => results[mine] = job(mine));
        }

        // Start them all first, then wait for them all: joining each right after its start would run them one by one.
        foreach (var thread in threads)
        {
            thread.Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        return results;
    }

    /// <summary>
    /// Runs <c>Countdown.Count(n)</c> once in each of <paramref name="copies"/> child processes
    /// (<c>dotnet CpuBoundSpeedup.dll count n</c>), all at the same time, and returns what each printed.
    /// </summary>
    public static long[] InProcesses(long n, int copies)
    {
        var children = new List<Process>();
        try
        {
            for (var copy = 0; copy < copies; copy++)
            {
                var start = new ProcessStartInfo(Program.DotnetHost)
                {
                    ArgumentList = { Program.ProgramFile, "count", n.ToString() },
                    RedirectStandardOutput = true,
                    UseShellExecute = false,
                };
                children.Add(Process.Start(start) ?? throw new InvalidOperationException("The child process did not start."));
            }

            // All started; now collect. Reading one child's output blocks until it is done, but the others run meanwhile.
            return [.. children.Select(ReadResult)];
        }
        finally
        {
            foreach (var child in children)
            {
                child.Dispose();
            }
        }
    }

    private static long ReadResult(Process child)
    {
        var output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        if (child.ExitCode != 0 || !long.TryParse(output.Trim(), out var result))
        {
            throw new InvalidOperationException($"Child process {child.Id} exited with code {child.ExitCode} and printed \"{output.Trim()}\".");
        }

        return result;
    }
}
