using Katas.ConcurrentSleepers;

namespace Katas.Graders.ConcurrentSleepers;

/// <summary>SlowPrint itself, and the lesson's five calls one after another and on five threads, on the real clock.</summary>
public sealed class SleepersGrader
{
    internal const string ReadNext =
        "exercises/02-concurrent-sleepers/README.md, and https://learn.microsoft.com/dotnet/api/system.threading.thread.join";

    /// <summary>The lesson's one second, shortened so that grading is quick.</summary>
    private static readonly TimeSpan s_unit = TimeSpan.FromMilliseconds(200);

    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(20);

    /// <summary>The unit of the timed comparison: longer, so that starting five threads is small beside it.</summary>
    private static readonly TimeSpan s_timedUnit = TimeSpan.FromMilliseconds(400);

    /// <summary>
    /// How many times faster five sleeping threads must be than five calls in a row. Ideal is 5; threads joined one
    /// by one get at most 1. On a 2-core machine at a load average of 60-100, starting five threads took up to 0.5 s:
    /// with 200 ms units single attempts measured 1.7x-2.6x, with 400 ms units 2.2x-4.4x (first attempts of 13 runs).
    /// </summary>
    private const double MinRatio = 2.0;

    /// <summary>
    /// Timed comparisons before a verdict; the best counts. A busy machine can stall one attempt, never all of them
    /// in the same direction, and code that runs the calls one after another stays near 1x in every attempt.
    /// </summary>
    private const int Attempts = 3;

    private const int Calls = 5;

    /// <summary>The unit of Each_call_runs_on_a_new_thread_of_its_own: longer than a time limit a Join might be given.</summary>
    private static readonly TimeSpan s_longUnit = TimeSpan.FromMilliseconds(1500);

    private static string Example(int call) =>
        $"    {PrintedLine.StartWord} {call} в 2018-11-13 11:20:49.195674\n    {PrintedLine.EndWord} {call} в 2018-11-13 11:20:50.196017";

    [Test, OnRealThreads]
    public void SlowPrint_prints_its_start_sleeps_one_unit_and_prints_its_end()
    {
        var output = new TimedWriter();
        var printer = Create(output, s_unit);
        var calledAt = output.Now;
        Bounded.Run(s_limit, "calling SlowPrint(3) with a unit of 200 ms", () => printer.SlowPrint(3));
        var lines = output.Lines;

        Invariant.Holds(lines.Count == 2 && lines[0].IsStart && lines[0].Call == 3 && lines[1].IsEnd && lines[1].Call == 3,
            $"SlowPrint(3) must print the lesson's two lines, word for word, with the time as Python's datetime.now() " +
            $"prints it (DateTime.Now.ToString(\"{PrintedLine.TimeFormat}\")):\n{Example(3)}\nbut it printed:\n" +
            $"{PrintedLine.Show(lines)}\nRead next: {ReadNext}");
        var startDelay = lines[0].Arrived - calledAt;
        var slept = lines[1].Arrived - lines[0].Arrived;
        // Compared with the gap as well: on a busy machine the start line itself can come late, but code that sleeps first
        // has no sleep left between its lines. (Without the last condition a correct SlowPrint failed once in 10 runs at a
        // load average of 47: its start line came late, and later than its sleep was long.)
        Invariant.Holds(startDelay <= s_unit / 2 || startDelay < slept || slept >= s_unit * 0.75,
            $"SlowPrint(3) printed \"{PrintedLine.StartWord} 3\" only {startDelay.TotalMilliseconds:0} ms after it was called, " +
            $"with a unit of {s_unit.TotalMilliseconds:0} ms: it slept first. The lesson prints the start, then sleeps, then " +
            $"prints the end: \"{PrintedLine.StartWord}\" tells when the call began.\nRead next: {ReadNext}");
        Invariant.Holds(slept >= s_unit * 0.75,
            $"SlowPrint(3) printed \"{PrintedLine.EndWord} 3\" {slept.TotalMilliseconds:0} ms after \"{PrintedLine.StartWord} 3\", " +
            $"but between them it sleeps one unit, {s_unit.TotalMilliseconds:0} ms here: Thread.Sleep(Unit), the lesson's " +
            $"sleep(1).\nRead next: {ReadNext}");
        var printedGap = lines[1].PrintedTime - lines[0].PrintedTime;
        Invariant.Holds(printedGap >= s_unit * 0.75,
            $"The times SlowPrint(3) printed are {printedGap.TotalMilliseconds:0} ms apart:\n{PrintedLine.Show(lines)}\nbut " +
            $"the call slept {s_unit.TotalMilliseconds:0} ms between them. Read DateTime.Now when each line is printed, not " +
            $"once for both.\nRead next: {ReadNext}");
    }

    [Test, OnRealThreads]
    public void RunSequentially_runs_the_calls_one_after_another()
    {
        var output = new TimedWriter();
        var printer = Create(output, s_unit / 2);
        Bounded.Run(s_limit, "calling RunSequentially(3)", () => printer.RunSequentially(3));
        var lines = output.Lines;

        var expected = Enumerable.Range(0, 3).SelectMany(call => new[] { $"{PrintedLine.StartWord} {call}", $"{PrintedLine.EndWord} {call}" });
        Invariant.Holds(lines.All(line => line.IsWellFormed) &&
                        lines.Select(line => $"{(line.IsStart ? PrintedLine.StartWord : PrintedLine.EndWord)} {line.Call}").SequenceEqual(expected),
            "RunSequentially(3) calls SlowPrint(0), SlowPrint(1), SlowPrint(2), one after another, so it prints, in this " +
            $"order:\n    {string.Join("\n    ", expected.Select(line => line + " в ..."))}\nbut it printed:\n" +
            $"{PrintedLine.Show(lines)}\nRead next: {ReadNext}");
    }

    [Core]
    [Test, OnRealThreads]
    public void RunOnThreads_runs_the_calls_at_the_same_time()
    {
        var output = new TimedWriter();
        var printer = Create(output, s_unit);
        Bounded.Run(s_limit, $"calling RunOnThreads({Calls}) with a unit of 200 ms", () => printer.RunOnThreads(Calls));
        var atReturn = output.Lines;
        TestContext.Out.WriteLine($"RunOnThreads({Calls}) printed, when it returned:\n{PrintedLine.Show(atReturn)}");

        Invariant.Holds(atReturn.All(line => line.IsWellFormed),
            $"Every line SlowPrint prints must have the lesson's format (see SlowPrint_prints_its_start_sleeps_one_unit_and_prints_its_end):\n" +
            $"{Example(0)}\nbut RunOnThreads({Calls}) printed:\n{PrintedLine.Show(atReturn)}\nRead next: {ReadNext}");
        if (atReturn.Count < 2 * Calls)
        {
            Thread.Sleep(s_unit * 3);
            var later = output.Lines.Count - atReturn.Count;
            Invariant.Holds(false,
                $"RunOnThreads({Calls}) returned while its threads were still running: when it returned, {atReturn.Count} of " +
                $"the {2 * Calls} lines were printed:\n{PrintedLine.Show(atReturn)}\n" +
                (later > 0 ? $"and {later} more came after it had returned. " : "") +
                "Start() only starts a thread. After starting all of them, wait for each with Join(), so that RunOnThreads " +
                $"returns when every call has finished.\nRead next: {ReadNext}");
        }

        var starts = atReturn.Where(line => line.IsStart).Select(line => line.Call).Order().ToList();
        var ends = atReturn.Where(line => line.IsEnd).Select(line => line.Call).Order().ToList();
        Invariant.Holds(starts.SequenceEqual(Enumerable.Range(0, Calls)) && ends.SequenceEqual(Enumerable.Range(0, Calls)),
            $"RunOnThreads({Calls}) must call SlowPrint(0) ... SlowPrint({Calls - 1}), each once, but the calls that " +
            $"started were [{string.Join(", ", starts)}] and those that ended [{string.Join(", ", ends)}]. If numbers repeat " +
            "or one is missing, see Each_thread_prints_its_own_number.\nRead next: " + ReadNext);
        // One after another, a call starts only after the previous one has ended: never two in flight. The lesson's
        // output has all five in flight; the grader asks for two, which holds even when starting a thread takes longer
        // than a unit on a busy machine.
        var inFlight = 0;
        var mostInFlight = 0;
        foreach (var line in atReturn)
        {
            inFlight += line.IsStart ? 1 : -1;
            mostInFlight = Math.Max(mostInFlight, inFlight);
        }

        Invariant.Holds(mostInFlight >= 2,
            $"On threads, the {Calls} calls start at once and sleep together, so a \"{PrintedLine.StartWord}\" comes while " +
            $"another call is still sleeping. Here every call started only after the previous one had ended:\n" +
            $"{PrintedLine.Show(atReturn)}\nThe calls ran one after another. Either they ran on no new thread at all, or " +
            "each thread was joined right after it was started, which waits for it before the next one starts: one after " +
            "another, in disguise. Start all the threads in one loop, then Join them all in a second loop.\n" +
            $"Read next: {ReadNext}");
    }

    [Core]
    [Test, OnRealThreads]
    public void Each_call_runs_on_a_new_thread_of_its_own()
    {
        // One call with a unit longer than any time limit a Join might be given "so that it cannot hang" (1 s): RunOnThreads
        // must wait for it however long it takes. (With more calls, Joins with a limit add up: four of 1 s each outlast a
        // unit of 1.5 s.)
        var (one, _) = RunOnThreadsWatched(1, s_longUnit);
        var start = one.FirstOrDefault(line => line.IsStart && line.Call == 0);
        var end = one.FirstOrDefault(line => line.IsEnd && line.Call == 0);
        Invariant.Holds(one.All(line => line.IsWellFormed) && one.Count == 2 && start is not null && end is not null,
            $"RunOnThreads(1), with a unit of {s_longUnit.TotalSeconds:0.0} s, must return only when SlowPrint(0) has printed its " +
            $"start and its end, but when it returned output was:\n{PrintedLine.Show(one)}\nWait for each thread however long " +
            "its call takes: thread.Join() without a time limit. A Join(timeout) that gives up after a second returns while " +
            $"the call is still sleeping.\nRead next: {ReadNext}");
        // A unit over a second: a sleep of the lesson's second (Thread.Sleep(1000)) or of Unit.Milliseconds (the
        // milliseconds part, 500 here) falls short of it, where the 200 ms unit of the SlowPrint check does not.
        var slept = end!.Arrived - start!.Arrived;
        Invariant.Holds(slept >= s_longUnit * 0.75,
            $"With a unit of {s_longUnit.TotalMilliseconds:N0} ms, SlowPrint(0) printed \"{PrintedLine.EndWord} 0\" only " +
            $"{slept.TotalMilliseconds:N0} ms after \"{PrintedLine.StartWord} 0\": it must sleep its whole unit, " +
            "Thread.Sleep(Unit), whatever length the unit has (not the lesson's one second, and not Unit.Milliseconds, " +
            $"which is only the milliseconds part of the TimeSpan).\nRead next: {ReadNext}");

        // Four calls: a pool of three threads sharing them puts two on one thread.
        const int FourCalls = 4;
        var (atReturn, caller) = RunOnThreadsWatched(FourCalls, s_unit);
        var wanted = Enumerable.Range(0, FourCalls).ToList();
        var starts = atReturn.Where(line => line.IsStart).Select(line => line.Call).Order().ToList();
        var ends = atReturn.Where(line => line.IsEnd).Select(line => line.Call).Order().ToList();
        Invariant.Holds(atReturn.All(line => line.IsWellFormed) && starts.SequenceEqual(wanted) && ends.SequenceEqual(wanted),
            $"RunOnThreads({FourCalls}) must return only when SlowPrint(0) ... SlowPrint({FourCalls - 1}) have each printed their start " +
            $"and their end, but when it returned output was:\n{PrintedLine.Show(atReturn)}\nStart a thread per call, then " +
            "Join each of them. (If numbers repeat or one is missing, see Each_thread_prints_its_own_number.)\n" +
            $"Read next: {ReadNext}");

        var firstLines = wanted.Select(call => atReturn.First(line => line.IsStart && line.Call == call)).ToList();
        foreach (var line in firstLines)
        {
            Invariant.Holds(line.ThreadId != caller,
                $"SlowPrint({line.Call}) ran on the thread that called RunOnThreads (managed thread {caller}): every call runs on " +
                $"a new thread of its own, even while the caller has nothing else to do. Output (thread id: line):\n{WithThreads(atReturn)}\n" +
                $"Start a new Thread for each call, then Join them all.\nRead next: {ReadNext}");
            Invariant.Holds(!line.OnPoolThread,
                $"SlowPrint({line.Call}) ran on a thread-pool thread (managed thread {line.ThreadId}), not on a new thread. " +
                "Task.Run, Parallel.For and ThreadPool.QueueUserWorkItem lend threads of the pool, which starts with about one " +
                "thread per core and adds more slowly: sleepers on it wait for each other in turns. The lesson starts a " +
                $"Thread per call: new Thread(() => SlowPrint(s)).\nOutput (thread id: line):\n{WithThreads(atReturn)}\nRead next: {ReadNext}");
        }

        var shared = firstLines.GroupBy(line => line.Writer).FirstOrDefault(group => group.Count() > 1);
        Invariant.Holds(shared is null,
            $"SlowPrint({string.Join("), SlowPrint(", shared?.Select(line => line.Call) ?? Enumerable.Empty<int>())}) all ran on one thread (managed " +
            $"thread {shared?.First().ThreadId}), one after another: each call gets a new thread of its own, {FourCalls} calls, " +
            $"{FourCalls} threads.\nOutput (thread id: line):\n{WithThreads(atReturn)}\nRead next: {ReadNext}");
    }

    /// <summary>RunOnThreads(calls), with what was printed when it returned and the managed id of the thread that called it.</summary>
    private static (IReadOnlyList<PrintedLine> AtReturn, int Caller) RunOnThreadsWatched(int calls, TimeSpan unit)
    {
        var output = new TimedWriter();
        var printer = Create(output, unit);
        var caller = 0;
        Bounded.Run(s_limit, $"calling RunOnThreads({calls}) with a unit of {unit.TotalMilliseconds:N0} ms", () =>
        {
            caller = Environment.CurrentManagedThreadId;
            printer.RunOnThreads(calls);
        });
        var atReturn = output.Lines;
        TestContext.Out.WriteLine($"RunOnThreads({calls}), unit {unit.TotalMilliseconds:N0} ms, called on managed thread {caller}, " +
            $"printed when it returned (thread id: line):\n{WithThreads(atReturn)}");
        return (atReturn, caller);
    }

    private static string WithThreads(IEnumerable<PrintedLine> lines) =>
        string.Join("\n", lines.Select(line => $"    {line.ThreadId}{(line.OnPoolThread ? " (pool)" : "")}: {line.Text}"));

    [Test, OnRealThreads]
    public void Five_calls_on_threads_take_about_one_unit()
    {
        var work = $"{Calls} calls of SlowPrint with a unit of {s_timedUnit.TotalMilliseconds:0} ms";
        var attempts = new List<Speedup>();
        while (attempts.Count < Attempts && (attempts.Count == 0 || attempts.Max(a => a.Ratio) < MinRatio))
        {
            var speedup = Speedup.Measure(work,
                () => Create(new TimedWriter(), s_timedUnit).RunSequentially(Calls),
                () => Create(new TimedWriter(), s_timedUnit).RunOnThreads(Calls),
                s_limit);
            TestContext.Out.WriteLine(speedup);
            attempts.Add(speedup);
        }

        var best = attempts.MaxBy(a => a.Ratio)!;
        var measured = attempts.Count == 1 ? best.ToString() : $"{best} (the best of {attempts.Count} attempts)";
        Invariant.Holds(best.Sequential >= s_timedUnit * Calls * 0.75,
            $"{measured}. {Calls} calls one after another, each sleeping {s_timedUnit.TotalMilliseconds:0} ms, take at least " +
            $"{(s_timedUnit * Calls).TotalMilliseconds:N0} ms: SlowPrint does not sleep its unit (see " +
            $"SlowPrint_prints_its_start_sleeps_one_unit_and_prints_its_end).\nRead next: {ReadNext}");
        Invariant.Holds(best.Ratio >= MinRatio,
            $"{measured}. On {Calls} threads the {Calls} sleeps overlap, so the calls should take about one unit " +
            $"({s_timedUnit.TotalMilliseconds:0} ms, {Calls}x faster), and at least {MinRatio}x even on a busy machine: a " +
            "sleeping thread needs no processor. If the threads ran one after another, you Join each thread right after " +
            "starting it (see RunOnThreads_runs_the_calls_at_the_same_time).\nRead next: " + ReadNext);
    }

    internal static SlowPrinter Create(TextWriter output, TimeSpan unit) =>
        Bounded.Run(s_limit, $"creating a SlowPrinter with a unit of {unit.TotalMilliseconds:0} ms", () => new SlowPrinter(output, unit));
}
