using System.Globalization;

namespace Katas.ConcurrentSleepers;

/// <summary>
/// The lesson's <c>slow_print</c>, run five times one after another and five times on five threads. One call
/// prints "Вызов s в &lt;time&gt;", sleeps for <see cref="Unit"/> (the lesson's one second), and prints
/// "Конец s в &lt;time&gt;".
/// </summary>
public sealed class SlowPrinter(TextWriter output, TimeSpan unit)
{
    /// <summary>How long one call sleeps: the lesson's <c>sleep(1)</c>. The grader uses a fraction of a second.</summary>
    public TimeSpan Unit { get; } = unit;

    /// <summary>The lesson's <c>slow_print(s)</c>.</summary>
    public void SlowPrint(int s)
    {
        output.WriteLine($"Вызов {s} в {Now()}");
        Thread.Sleep(Unit);
        output.WriteLine($"Конец {s} в {Now()}");
    }

    /// <summary>Calls SlowPrint(0) ... SlowPrint(count - 1) one after another: about <c>count</c> units.</summary>
    public void RunSequentially(int count)
    {
        for (var s = 0; s < count; s++)
        {
            SlowPrint(s);
        }
    }

    /// <summary>
    /// Calls SlowPrint(0) ... SlowPrint(count - 1), each on a new thread: starts them all, then waits for them all.
    /// The sleeps overlap, so it takes about one unit.
    /// </summary>
    public void RunOnThreads(int count)
    {
        var threads = new List<Thread>();
        for (var i = 0; i < count; i++)
        {
            // A lambda captures the variable, not its value: with `i` itself, a thread that starts late would see
            // the loop's later i. Each thread gets its own copy.
            var s = i;
            var thread = new Thread(() => SlowPrint(s));
            thread.Start();
            threads.Add(thread);
        }

        // Only now wait: joining inside the loop above would wait for each call before starting the next.
        foreach (var thread in threads)
        {
            thread.Join();
        }
    }

    /// <summary>The time as the lesson printed it (Python's datetime.now()): 2018-11-13 11:20:49.195674.</summary>
    private static string Now() => DateTime.Now.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
}
