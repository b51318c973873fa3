namespace Katas.LockedCounter;

/// <summary>The lesson's program: both operations on two threads started together.</summary>
public static class LockedCounterProgram
{
    /// <summary>Runs both operations concurrently; each thread prints the value its operation finished at.</summary>
    public static void Run(TextWriter output, int firstTarget = 3_000_000, int secondTarget = 6_000_000)
    {
        var counter = new SharedCounter(firstTarget, secondTarget);
        var first = new Thread(() => output.WriteLine(counter.FirstOperation()));
        var second = new Thread(() => output.WriteLine(counter.SecondOperation()));

        first.Start();
        second.Start();
        first.Join();
        second.Join();
    }
}
