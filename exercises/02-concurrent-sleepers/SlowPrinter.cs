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
    /// <remarks>TODO: between the two lines, sleep for <see cref="Unit"/>, as the lesson's sleep(1). See README.md.</remarks>
    public void SlowPrint(int s)
    {
        output.WriteLine($"Вызов {s} в {Now()}");
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
    /// <remarks>
    /// TODO: this runs the calls one after another, like <see cref="RunSequentially"/>: about <c>count</c> units.
    /// Start one new thread per call, and only when all are started, wait for each to finish. See README.md.
    /// </remarks>
    public void RunOnThreads(int count) => RunSequentially(count);

    /// <summary>The time as the lesson printed it (Python's datetime.now()): 2018-11-13 11:20:49.195674.</summary>
    private static string Now() => DateTime.Now.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
}
