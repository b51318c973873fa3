using Katas.ThreadsAndProcesses;

namespace Katas.Graders.ThreadsAndProcesses;

/// <summary>Greeter.SayHelloFromThread: a new thread, in the same process, sharing its memory.</summary>
public sealed class ThreadGrader
{
    private const string ReadNext =
        "exercises/01-threads-and-processes/README.md (\"A thread\"), and https://learn.microsoft.com/dotnet/standard/threading/creating-threads-and-passing-data-at-start-time";

    [Core]
    [Test]
    public void The_hello_comes_from_a_new_thread()
    {
        var run = ThreadRun.Once();
        var lines = run.AllLines;

        Invariant.Holds(lines.Count > 0,
            "SayHelloFromThread wrote nothing to the output it was given, not even after it returned. The new thread must " +
            "call SayHello(name, output) with that very output (not Console.Out).\nRead next: " + ReadNext);
        var onCaller = lines.Where(line => line.ThreadId == run.CallerThreadId).ToList();
        Invariant.Holds(onCaller.Count == 0,
            $"The hello was printed by the thread that called SayHelloFromThread (managed thread {run.CallerThreadId}):\n" +
            $"{WitnessWriter.Show(onCaller)}\nNo new thread ran it. Create one and start it: " +
            "`var thread = new Thread(() => SayHello(name, output)); thread.Start();`. Calling the method or the lambda " +
            "yourself runs it right here, on the calling thread, like calling Python's `t.run()` instead of `t.start()`." +
            "\nRead next: " + ReadNext);
        var onPool = lines.Where(line => line.OnPoolThread).ToList();
        Invariant.Holds(onPool.Count == 0,
            $"The hello was printed on a thread-pool thread (managed thread {onPool.FirstOrDefault()?.ThreadId}): Task.Run " +
            "or ThreadPool lend a thread that already exists and is shared. This kata is about a thread of your own, " +
            "which lives as long as its work: `new Thread(...)`, `Start()`, `Join()`. The pool comes in a later kata.\n" +
            "Read next: " + ReadNext);
        var threads = lines.Select(line => line.ThreadId).Distinct().ToList();
        Invariant.Holds(threads.Count == 1,
            $"The hello's lines came from {threads.Count} different threads ({string.Join(", ", threads)}); one new " +
            "thread says the whole hello.\nRead next: " + ReadNext);
        Invariant.Holds(run.Returned.ThreadId == threads[0],
            $"The hello was printed by managed thread {threads[0]}, but SayHelloFromThread returned ThreadId = " +
            $"{run.Returned.ThreadId}. Read Environment.CurrentManagedThreadId inside the new thread (in its lambda), " +
            "keep it in a variable declared outside, and return it after Join." +
            (run.Returned.ThreadId == run.CallerThreadId ? " You returned the calling thread's own id." : "") +
            "\nRead next: " + ReadNext);
    }

    [Test]
    public void The_thread_runs_in_the_callers_process()
    {
        var run = ThreadRun.Once();
        var lines = run.AllLines;

        Invariant.Holds(lines.Count > 0 && int.TryParse(lines[0].Text, out _),
            $"The hello must start with the process id, as the lesson's say_hello printed it (SayHello does), but the " +
            $"output was:\n{WitnessWriter.Show(lines)}\nRead next: " + ReadNext);
        var printed = int.Parse(lines[0].Text);
        Invariant.Holds(printed == Environment.ProcessId,
            $"The thread printed process id {printed}, but the process it runs in is {Environment.ProcessId}. Every thread " +
            "of a process has that process's id; print Environment.ProcessId inside the thread (SayHello does).\n" +
            "Read next: " + ReadNext);
        Invariant.Holds(run.Returned.ProcessId == Environment.ProcessId,
            $"SayHelloFromThread returned ProcessId = {run.Returned.ProcessId}, but the thread ran in process " +
            $"{Environment.ProcessId} (it printed that id). " +
            (run.Returned.ProcessId == 0
                ? "0 is the value your variable had before the thread set it: you read it before the thread had run. Wait for " +
                  "the thread with Join() before you read what it wrote."
                : "Read Environment.ProcessId inside the new thread and return that.") +
            "\nRead next: " + ReadNext);
    }

    [Core]
    [Test]
    public void The_caller_waits_for_the_thread_and_sees_what_it_changed()
    {
        var run = ThreadRun.Once();
        var atReturn = run.LinesAtReturn;
        var expected = run.AllLines.Count;

        Invariant.Holds(expected > 0,
            "SayHelloFromThread wrote nothing to the output it was given (see The_hello_comes_from_a_new_thread).\n" +
            "Read next: " + ReadNext);
        Invariant.Holds(atReturn.Count == expected,
            $"SayHelloFromThread returned while its thread was still saying hello: when it returned, {atReturn.Count} of the " +
            $"{expected} lines had been printed:\n{WitnessWriter.Show(atReturn)}\nand the rest came " +
            $"{(run.AllLines[^1].At - run.ReturnedAt).TotalMilliseconds:0} ms later. Start() only starts a thread; " +
            "Join() waits until it has finished. Call thread.Join() before you return, as the lesson's t.join().\n" +
            "Read next: " + ReadNext);
        const string Prefix = "hellos said in this process: ";
        var counted = run.AllLines.Count == 3 ? run.AllLines[2].Text : "";
        Invariant.Holds(counted == $"{Prefix}{run.HellosBefore + 1}",
            $"Greeter.HellosSaid of this process was {run.HellosBefore} before the call, so the thread's hello is hello number " +
            $"{run.HellosBefore + 1} of the process, and its third line must be \"{Prefix}{run.HellosBefore + 1}\". It printed:\n" +
            $"{WitnessWriter.Show(run.AllLines)}\nA thread shares the memory of its process: it sees and changes the very " +
            "HellosSaid the caller sees. Leave HellosSaid and SayHello as they are (one static property for the whole process), " +
            "and let the new thread call SayHello once.\nRead next: " + ReadNext);
        Invariant.Holds(run.HellosAtReturn == run.HellosBefore + 1,
            $"Greeter.HellosSaid was {run.HellosBefore} before the call; the thread said one hello, which counts it up " +
            $"(SayHello does HellosSaid++), yet right after SayHelloFromThread returned it was {run.HellosAtReturn} " +
            $"(and {run.HellosAfterAll} once the thread was done). A thread shares the memory of its process, so after " +
            "Join() the caller sees every change the thread made. Read what the thread changed only after Join().\n" +
            "Read next: " + ReadNext);
    }

    [Test]
    public void Calls_at_the_same_time_each_get_a_thread_and_a_result_of_their_own()
    {
        // Each call's output holds its thread at the first line until the other call's thread has printed its first line
        // too: both threads are inside SayHello at once, whatever the machine's timing (at most 5 s).
        using var bothPrinting = new GraderCountdown(2);
        void Meet()
        {
            bothPrinting.Signal();
            bothPrinting.Wait(TimeSpan.FromSeconds(5));
        }

        string[] names = ["Vladimir", "Nadezhda"];
        WitnessWriter[] outputs = [new(TimeSpan.Zero, Meet), new(TimeSpan.Zero, Meet)];
        var returned = new ThreadHello?[2];
        var callers = new int[2];
        void Call(int i) => TimeLimits.Run(ThreadRun.Limit, $"calling Greeter.SayHelloFromThread(\"{names[i]}\", output) twice at the same time", () =>
        {
            callers[i] = Environment.CurrentManagedThreadId;
            returned[i] = Greeter.SayHelloFromThread(names[i], outputs[i]);
        });
        GraderThreads.Run(ThreadRun.Limit, () => Call(0), () => Call(1));

        var lines = outputs.Select(output => output.Lines).ToArray();
        TestContext.Out.WriteLine(string.Join("\n", Enumerable.Range(0, 2).Select(i =>
            $"call {i + 1} (\"{names[i]}\", on managed thread {callers[i]}) returned {returned[i]}; its output (thread id: line):\n" +
            string.Join("\n", lines[i].Select(line => $"    {line.ThreadId}: {line.Text}")))));
        for (var i = 0; i < 2; i++)
        {
            Invariant.Holds(lines[i].Count == 3 && lines[i][1].Text == $"hello {names[i]}",
                $"Two calls of SayHelloFromThread ran at the same time, SayHelloFromThread(\"{names[i]}\", output{i + 1}) among " +
                $"them, and output{i + 1} received:\n{WitnessWriter.Show(lines[i])}\nEach call says its own hello, with its own " +
                "name, to its own output: keep what a call was given in that call (the lambda's captured parameters), not in " +
                "static fields that every call shares.\nRead next: " + ReadNext);
            var printer = lines[i][0];
            Invariant.Holds(printer.ThreadId != callers[i] && !printer.OnPoolThread,
                $"Called twice at the same time, SayHelloFromThread(\"{names[i]}\", ...) printed its hello on " +
                (printer.OnPoolThread ? $"a thread-pool thread ({printer.ThreadId})" : $"the calling thread ({printer.ThreadId})") +
                ": every call starts a new thread of its own (see The_hello_comes_from_a_new_thread).\nRead next: " + ReadNext);
            Invariant.Holds(returned[i] is { } hello && hello.ThreadId == printer.ThreadId && hello.ProcessId == Environment.ProcessId,
                $"Two calls of SayHelloFromThread ran at the same time. Call {i + 1} (\"{names[i]}\") had its hello printed by managed " +
                $"thread {printer.ThreadId}, but it returned {returned[i]}" +
                (returned[i]?.ThreadId == lines[1 - i].FirstOrDefault()?.ThreadId ? $": the thread id of the other call's thread" : "") +
                $". Each call must return what its own thread saw (the other call's thread was {lines[1 - i].FirstOrDefault()?.ThreadId}): " +
                "keep it in a variable of that call (a local variable the lambda captures, or a field of an object made for " +
                "that call), not in a static field, which every call shares and the last thread to write it wins.\n" +
                "Read next: " + ReadNext);
        }

        Invariant.Holds(lines[0][0].Writer != lines[1][0].Writer,
            $"Two calls of SayHelloFromThread at the same time both had their hello printed by one thread (managed thread " +
            $"{lines[0][0].ThreadId}): each call must start a new thread of its own, not share one.\nRead next: " + ReadNext);
    }

    /// <summary>One call of SayHelloFromThread, with what the grader saw at its return and once the thread was done.</summary>
    private sealed record ThreadRun(
        ThreadHello Returned,
        int CallerThreadId,
        int HellosBefore,
        int HellosAtReturn,
        int HellosAfterAll,
        IReadOnlyList<WrittenLine> LinesAtReturn,
        TimeSpan ReturnedAt,
        IReadOnlyList<WrittenLine> AllLines)
    {
        /// <summary>Holds each printed line this long: a thread nobody waits for is still printing when the call returns.</summary>
        private static readonly TimeSpan s_hold = TimeSpan.FromMilliseconds(100);

        public static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

        public static ThreadRun Once()
        {
            var output = new WitnessWriter(s_hold);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            // A count no fresh process has: the thread's hello must continue it.
            const int Before = 41;
            var (returned, caller, atReturn, linesAtReturn, returnedAt) = TimeLimits.Run(Limit,
                "calling Greeter.SayHelloFromThread(\"Vladimir\", output)", () =>
                {
                    Greeter.HellosSaid = Before;
                    var hello = Greeter.SayHelloFromThread("Vladimir", output);
                    var lines = output.Lines;
                    var at = clock.Elapsed;
                    return (hello, Environment.CurrentManagedThreadId, Greeter.HellosSaid, lines, at);
                });

            // A thread nobody joined goes on printing after the call: wait for it, for better messages.
            var all = output.WaitForLines(3, quiet: s_hold * 5, atMost: TimeSpan.FromSeconds(5));
            var afterAll = TimeLimits.Run(Limit, "reading Greeter.HellosSaid", () => Greeter.HellosSaid);
            TestContext.Out.WriteLine($"SayHelloFromThread returned {returned} after {returnedAt.TotalMilliseconds:0} ms, " +
                $"called on managed thread {caller}; output (thread id: line):\n" +
                string.Join("\n", all.Select(line => $"    {line.ThreadId}: {line.Text}")));
            return new ThreadRun(returned ?? new ThreadHello(0, 0), caller, Before, atReturn, afterAll, linesAtReturn,
                returnedAt, all);
        }
    }
}
