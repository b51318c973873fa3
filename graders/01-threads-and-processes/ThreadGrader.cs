using Katas.ThreadsAndProcesses;

namespace Katas.Graders.ThreadsAndProcesses;

/// <summary>Greeter.SayHelloFromThread: a new thread, in the same process, sharing its memory.</summary>
public sealed class ThreadGrader
{
    private const string ReadNext =
        "exercises/01-threads-and-processes/README.md (\"A thread\"), and https://learn.microsoft.com/dotnet/standard/threading/creating-threads-and-passing-data-at-start-time";

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
        Invariant.Holds(run.HellosAtReturn == run.HellosBefore + 1,
            $"Greeter.HellosSaid was {run.HellosBefore} before the call; the thread said one hello, which counts it up " +
            $"(SayHello does HellosSaid++), yet right after SayHelloFromThread returned it was {run.HellosAtReturn} " +
            $"(and {run.HellosAfterAll} once the thread was done). A thread shares the memory of its process, so after " +
            "Join() the caller sees every change the thread made. Read what the thread changed only after Join().\n" +
            "Read next: " + ReadNext);
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

        private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(20);

        public static ThreadRun Once()
        {
            var output = new WitnessWriter(s_hold);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            // A count no fresh process has: the thread's hello must continue it.
            const int Before = 41;
            var (returned, caller, atReturn, linesAtReturn, returnedAt) = Bounded.Run(s_limit,
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
            var afterAll = Bounded.Run(s_limit, "reading Greeter.HellosSaid", () => Greeter.HellosSaid);
            TestContext.Out.WriteLine($"SayHelloFromThread returned {returned} after {returnedAt.TotalMilliseconds:0} ms, " +
                $"called on managed thread {caller}; output (thread id: line):\n" +
                string.Join("\n", all.Select(line => $"    {line.ThreadId}: {line.Text}")));
            return new ThreadRun(returned ?? new ThreadHello(0, 0), caller, Before, atReturn, afterAll, linesAtReturn,
                returnedAt, all);
        }
    }
}
