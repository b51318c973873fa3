using Katas.ConcurrentSleepers;

namespace Katas.Graders.ConcurrentSleepers;

/// <summary>
/// Which call each thread makes, and whether RunOnThreads waits for all of them: checked under Coyote, which tries
/// many orders in which the threads and the loop that starts them can run, with a unit of zero.
/// </summary>
public sealed class OwnNumbersGrader
{
    private const int Calls = 3;

    [Test]
    public void Each_thread_prints_its_own_number()
    {
        new ConcurrencyCheck
        {
            KataType = typeof(SlowPrinter),
            Property = $"RunOnThreads({Calls}) runs SlowPrint(0), SlowPrint(1) and SlowPrint(2), each exactly once, and returns " +
                       "only when all of them have finished",
            Iteration = () => RunOnThreads(Calls, TimeSpan.Zero),
            StressIteration = () => RunOnThreads(5, TimeSpan.FromMilliseconds(1)),
            StressRuns = 50,
            // Each schedule starts three real threads, slow on a loaded machine (about 0.5 s a schedule at a load
            // average of 100 on 2 cores); the captured loop variable shows in the first few schedules.
            Settings = ExplorationSettings.Default with { Iterations = 30 },
            ReadNext = SleepersGrader.ReadNext,
        }.Verify();
    }

    private static void RunOnThreads(int calls, TimeSpan unit)
    {
        var output = new TimedWriter();
        new SlowPrinter(output, unit).RunOnThreads(calls);
        var lines = output.Lines;
        var wanted = Enumerable.Range(0, calls).ToList();

        Invariant.Holds(lines.Count == 2 * calls,
            $"RunOnThreads({calls}) returned when {lines.Count} of the {2 * calls} lines of its calls were printed:\n" +
            $"{PrintedLine.Show(lines)}\nIts threads were still running. After starting all of them, wait for each one " +
            "with Join() before returning.");
        Invariant.Holds(lines.All(line => line.IsWellFormed),
            $"Every line must have the lesson's format, \"{PrintedLine.StartWord} 0 в 2018-11-13 11:20:49.195674\", but " +
            $"RunOnThreads({calls}) printed:\n{PrintedLine.Show(lines)}");
        var started = lines.Where(line => line.IsStart).Select(line => line.Call).ToList();
        Invariant.Holds(started.Order().SequenceEqual(wanted),
            $"RunOnThreads({calls}) called SlowPrint({string.Join("), SlowPrint(", started)}) instead of SlowPrint(0), " +
            "SlowPrint(1) and SlowPrint(2), once each. A lambda captures the variable itself, not its value: with " +
            "`for (var i = 0; ...) new Thread(() => SlowPrint(i))`, a thread that runs after the loop has moved on reads " +
            "the later i, and all of them share that one i. Copy it inside the loop, `var s = i;`, and use s in the lambda " +
            "(or pass it to Start(i)).");
        var ended = lines.Where(line => line.IsEnd).Select(line => line.Call).Order().ToList();
        Invariant.Holds(ended.SequenceEqual(wanted),
            $"RunOnThreads({calls}) ended the calls [{string.Join(", ", ended)}]; each of 0 ... {calls - 1} must end exactly once.");
        foreach (var call in wanted)
        {
            var start = lines.ToList().FindIndex(line => line.IsStart && line.Call == call);
            var end = lines.ToList().FindIndex(line => line.IsEnd && line.Call == call);
            Invariant.Holds(start < end,
                $"\"{lines[end].Text}\" was printed before \"{lines[start].Text}\": a call prints its start first.\n" +
                PrintedLine.Show(lines));
        }
    }
}
