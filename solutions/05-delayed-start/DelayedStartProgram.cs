namespace Katas.DelayedStart;

/// <summary>The lesson's Timer example: the first operation starts now, the second after a delay.</summary>
public static class DelayedStartProgram
{
    /// <summary>
    /// Runs FirstOperation on a new thread at once and SecondOperation through a <see cref="DelayedAction"/>
    /// after <paramref name="delay"/>; each prints the value it finished at. Returns when both are done.
    /// </summary>
    public static void Run(TextWriter output, TimeSpan delay, TimeProvider? time = null)
    {
        var counter = new SharedCounter();
        var first = new Thread(() => output.WriteLine(counter.FirstOperation()));
        using var second = new DelayedAction(delay, () => output.WriteLine(counter.SecondOperation()), time);

        first.Start();
        second.Start();
        first.Join();
        second.Completion.Wait();
    }
}
