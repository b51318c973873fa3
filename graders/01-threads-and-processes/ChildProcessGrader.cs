using System.Diagnostics;
using Katas.ThreadsAndProcesses;

namespace Katas.Graders.ThreadsAndProcesses;

/// <summary>Greeter.SayHelloFromChildProcess: another process, with its own id and its own memory, waited for.</summary>
public sealed class ChildProcessGrader
{
    private const string ReadNext =
        "exercises/01-threads-and-processes/README.md (\"A child process\"), and https://learn.microsoft.com/dotnet/api/system.diagnostics.process";

    /// <summary>The parent's count before each call: a number a fresh process cannot have by chance.</summary>
    private const int ParentHellos = 41;

    /// <summary>The exit code the grader makes the child of The_exit_code_returned_is_the_childs_own end with.</summary>
    private const int ChildExitCode = 3;

    /// <summary>The time-out the checks pass when the child is quick: far beyond what it needs, even on a busy machine.</summary>
    private static readonly TimeSpan s_childTimeout = TimeSpan.FromSeconds(15);

    /// <summary>The grader's own limit on one call (shorter once something has hung: see TimeLimits).</summary>
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(30);

    /// <summary>How long the child of A_child_that_takes_too_long_is_killed sleeps before its Main: far beyond its time-out.</summary>
    private static readonly TimeSpan s_slowChild = TimeSpan.FromSeconds(20);

    /// <summary>The time-out A_child_that_takes_too_long_is_killed passes.</summary>
    private static readonly TimeSpan s_killTimeout = TimeSpan.FromSeconds(1);

    /// <summary>How long the child of A_slow_child_within_its_time_limit_is_waited_for sleeps before its Main.</summary>
    private static readonly TimeSpan s_slowButInTime = TimeSpan.FromSeconds(3);

    /// <summary>How long the grader's output holds each line in The_caller_waits_for_the_child_to_exit.</summary>
    private static readonly TimeSpan s_lineHold = TimeSpan.FromMilliseconds(250);

    [Core]
    [Test]
    public void The_child_process_has_its_own_process_id()
    {
        var run = ChildRun.Once("Vladimir");
        var printed = run.PrintedProcessId();

        Invariant.Holds(printed != Environment.ProcessId,
            $"The hello came from process {printed}, and that is this very process, the one that called " +
            "SayHelloFromChildProcess: no child process was started (a thread, or a direct call, runs in the caller's process). " +
            "Start a new one: `Process.Start(new ProcessStartInfo(Program.DotnetHost) { ... })` with the arguments " +
            "Program.ProgramFile, \"hello\" and the name.\nRead next: " + ReadNext);
        Invariant.Holds(run.Lines[1] == "hello Vladimir",
            $"The child's second line must be the lesson's greeting \"hello Vladimir\", but it was \"{run.Lines[1]}\". " +
            "Pass the name as its own argument (ProcessStartInfo.ArgumentList.Add(name)).\nRead next: " + ReadNext);
        Invariant.Holds(run.Returned.ProcessId == printed,
            $"The child printed its process id {printed}, but SayHelloFromChildProcess returned ProcessId = " +
            $"{run.Returned.ProcessId}. Return the id of the process you started: child.Id." +
            (run.Returned.ProcessId == Environment.ProcessId ? " You returned this process's own id." : "") +
            "\nRead next: " + ReadNext);
        Invariant.Holds(run.Returned.ExitCode == 0,
            $"The child printed its hello, but SayHelloFromChildProcess returned ExitCode = {run.Returned.ExitCode}. The " +
            "child's Main returns 0 after a hello; return child.ExitCode, read after the child has exited.\nRead next: " + ReadNext);
    }

    [Test]
    public void The_exit_code_returned_is_the_childs_own()
    {
        // The grader makes this child exit with 3 after its hello (a startup hook sets its exit code as it ends), so the
        // code returned must come from the child, not be assumed.
        var run = ChildRun.Once("Vladimir", setup: new ChildSetup { ExitCode = ChildExitCode });
        run.PrintedProcessId();

        Invariant.Holds(run.Returned.ExitCode == ChildExitCode,
            $"The grader made this child exit with code {ChildExitCode} (after its hello), but SayHelloFromChildProcess returned " +
            $"ExitCode = {run.Returned.ExitCode}. Return what the child exited with, child.ExitCode, read after the child has " +
            "exited: a child that failed must not look like one that went well.\nRead next: " + ReadNext);
    }

    [Test]
    public void A_name_with_spaces_reaches_the_child_as_one_argument()
    {
        const string Name = "Vladimir Ilyich";
        var run = ChildRun.Once(Name);

        Invariant.Holds(run.Lines.Count == 3 && run.Lines[1] == $"hello {Name}",
            $"SayHelloFromChildProcess(\"{Name}\", ...) must start `dotnet ThreadsAndProcesses.dll hello \"{Name}\"`: the name " +
            $"is one argument, spaces and all, and the child prints \"hello {Name}\". But output was:\n" +
            $"{WitnessWriter.Show(run.LinesAtReturn)}\n(the child's exit code: {run.Returned.ExitCode}; 2 is the program's usage " +
            "error, for arguments it does not understand). A single Arguments string is split at every space: add each " +
            "argument on its own with start.ArgumentList.Add(...), which needs no quoting.\nRead next: " + ReadNext);
    }

    [Core]
    [Test]
    public void The_child_process_has_its_own_memory()
    {
        var run = ChildRun.Once("Vladimir");
        run.PrintedProcessId();
        var counted = run.PrintedHellos();

        Invariant.Holds(counted != ParentHellos + 1,
            $"Before the call, this process had said {ParentHellos} hellos (Greeter.HellosSaid = {ParentHellos}), and the " +
            $"child printed \"hellos said in this process: {counted}\": it went on from the parent's count. A new process " +
            "starts with its own memory, in which HellosSaid is 0, so its count must be 1. It can only know the parent's value " +
            "if that value was handed to it (an argument, an environment variable) or if it is not another process at all. " +
            "Do not pass it: the point is to see that a process has its own copy of every variable.\nRead next: " + ReadNext);
        Invariant.Holds(counted == 1,
            $"The child printed \"hellos said in this process: {counted}\". A new process starts with its own memory, where " +
            "Greeter.HellosSaid is 0, and says one hello, so it must print 1. Let the child run Program.Main with the " +
            "arguments \"hello\" and the name, and nothing else.\nRead next: " + ReadNext);
        Invariant.Holds(run.HellosAfter == ParentHellos,
            $"Greeter.HellosSaid of this process was {ParentHellos} before SayHelloFromChildProcess and {run.HellosAfter} " +
            "after it. The child's hello counts in the child's own memory; the parent's variable must not change. Something " +
            "said hello in this process: do not call SayHello here, the child does.\nRead next: " + ReadNext);
    }

    [Test]
    public void The_caller_waits_for_the_child_to_exit()
    {
        // The output holds every line 250 ms: code that copies the child's lines as they arrive and returns as soon as
        // the child has exited returns while lines are still on their way, every time, not by luck.
        var run = ChildRun.Once("Vladimir", hold: s_lineHold);

        Invariant.Holds(run.Returned.ProcessId != Environment.ProcessId,
            "SayHelloFromChildProcess returned this very process's id: no child was started (see " +
            "The_child_process_has_its_own_process_id).\nRead next: " + ReadNext);
        Invariant.Holds(!run.RunningAtReturn,
            $"When SayHelloFromChildProcess returned, its child (process {run.Returned.ProcessId}) was still running. A " +
            "process you start is yours to finish: wait for it with child.WaitForExit(timeout) before you return (the " +
            "lesson's p.join()), so that its output is complete and its exit code known.\nRead next: " + ReadNext);
        Invariant.Holds(run.LinesAtReturn.Count == 3,
            $"When SayHelloFromChildProcess returned, {run.LinesAtReturn.Count} of the child's 3 lines had been written to " +
            $"output:\n{WitnessWriter.Show(run.LinesAtReturn)}\n" +
            (run.AllLines.Count > run.LinesAtReturn.Count ? $"and {run.AllLines.Count - run.LinesAtReturn.Count} more came after it had returned. " : "") +
            "Copy everything the child printed before you return: wait for the child to exit, then for the end of its output " +
            "(ReadToEndAsync's result, or WaitForExit() without a time-out after BeginOutputReadLine: with a time-out, " +
            "WaitForExit does not wait for the output still being delivered).\nRead next: " + ReadNext);
    }

    [Test]
    public void A_slow_child_within_its_time_limit_is_waited_for()
    {
        // The child sleeps 3 s before its Main, well within the 15 s it is given: a limit of the code's own (1 s, 2 s)
        // instead of the time-out passed in gives up on it.
        var run = ChildRun.Once("Vladimir", setup: new ChildSetup { Sleep = s_slowButInTime }, expectThrow: true);

        Invariant.Holds(run.Thrown is null,
            $"SayHelloFromChildProcess(name, output, timeout: {s_childTimeout.TotalSeconds:0} s) threw {run.Thrown?.GetType().Name} " +
            $"(\"{run.Thrown?.Message}\") after {run.Took.TotalMilliseconds:N0} ms, for a child that needed " +
            $"{s_slowButInTime.TotalSeconds:0} s: well within the {s_childTimeout.TotalSeconds:0} s it was allowed. Wait as " +
            "long as the caller allows, child.WaitForExit(timeout) with the timeout you were given, not a limit of your own.\n" +
            "Read next: " + ReadNext);
        Invariant.Holds(run.LinesAtReturn.Count == 3 && run.Lines[1] == "hello Vladimir",
            $"The child took {s_slowButInTime.TotalSeconds:0} s (within its time-out of {s_childTimeout.TotalSeconds:0} s), and " +
            $"when SayHelloFromChildProcess returned, output was:\n{WitnessWriter.Show(run.LinesAtReturn)}\nWait for the " +
            "child to exit, then copy all it printed.\nRead next: " + ReadNext);
    }

    [Test]
    public void A_child_that_takes_too_long_is_killed()
    {
        var run = KilledRun.Once(grandchild: false);

        Invariant.Holds(run.Thrown is not null || !run.RunningAtReturn,
            $"SayHelloFromChildProcess(name, output, timeout: {Seconds(run.Timeout)}) returned normally after " +
            $"{run.Took.TotalMilliseconds:0} ms, while its child (process {run.Returned?.ProcessId}) was still running: it did not " +
            "wait for the child at all (see The_caller_waits_for_the_child_to_exit). Wait with the limit, " +
            "`if (!child.WaitForExit(timeout)) { ... }`; when the time is up, kill the child and throw a TimeoutException.\n" +
            "Read next: " + ReadNext);
        Invariant.Holds(run.Thrown is not null,
            $"SayHelloFromChildProcess(name, output, timeout: {Seconds(run.Timeout)}) returned normally after " +
            $"{run.Took.TotalMilliseconds:0} ms ({run.Returned}). The grader made this child take {s_slowChild.TotalSeconds:0} s, " +
            "so the time limit was not kept. Wait with the limit, `if (!child.WaitForExit(timeout)) { ... }`, and read the " +
            "output while waiting (child.StandardOutput.ReadToEndAsync() before WaitForExit, or BeginOutputReadLine). " +
            "child.StandardOutput.ReadToEnd() or WaitForExit() without a time-out wait as long as the child runs, and a " +
            "child that never ends would hang you forever.\nRead next: " + ReadNext);
        Invariant.Holds(run.Thrown is TimeoutException,
            $"SayHelloFromChildProcess(name, output, timeout: {Seconds(run.Timeout)}) threw {run.Thrown!.GetType().Name} " +
            $"(\"{run.Thrown.Message}\"). When the child does not exit in time, kill it and throw a TimeoutException.\n" +
            "Read next: " + ReadNext);
        Invariant.Holds(!run.ChildWokeUp,
            $"SayHelloFromChildProcess threw TimeoutException only after {run.Took.TotalSeconds:0.0} s, when the child had " +
            $"slept its {s_slowChild.TotalSeconds:0} s through and ended by itself: the child was never killed, the code " +
            "waited for it to end. When the time-out has passed, end it: child.Kill(entireProcessTree: true), then " +
            "child.WaitForExit(), then throw.\nRead next: " + ReadNext);
        // How long the code waited before it killed the child is not judged: at a load average of 60-90 on 2 cores a correct
        // WaitForExit(1 s) and Kill were seen to give up 4.6-6.5 s after the child was created, as long as a limit of 5 s of
        // the code's own. A limit at or above the child's 20 s is caught above (the child woke up); one below 3 s by
        // A_slow_child_within_its_time_limit_is_waited_for.
        Invariant.Holds(run.LeftRunning.Count == 0,
            $"SayHelloFromChildProcess threw TimeoutException, but its child (process {string.Join(", ", run.LeftRunning)}) " +
            "was still running after that. A child that took too long must not be left behind: " +
            "child.Kill(entireProcessTree: true), then child.WaitForExit(), then throw.\nRead next: " + ReadNext);
        Invariant.Holds(run.ThereAtThrow.Count == 0,
            $"SayHelloFromChildProcess threw TimeoutException while its child (process {string.Join(", ", run.ThereAtThrow)}) " +
            "was still there: killed, perhaps, but not gone yet. Kill only sends the signal and returns; the process ends " +
            "a moment later. Wait until it is gone, child.WaitForExit() after child.Kill(...), and only then throw: a " +
            "caller that goes on (starts the child again, deletes its files) must not find it still there.\n" +
            "Read next: " + ReadNext);
        if (!ChildProcesses.CanFindByCommandLine)
        {
            TestContext.Out.WriteLine("Note: whether the child was killed and waited for is checked on Linux only; here only the " +
                "TimeoutException and the time it took were.");
        }
    }

    [Test]
    public void A_killed_child_takes_the_processes_it_started_with_it()
    {
        var run = KilledRun.Once(grandchild: true);

        Invariant.Holds(run.Thrown is TimeoutException,
            $"SayHelloFromChildProcess(name, output, timeout: {Seconds(run.Timeout)}), for a child that takes " +
            $"{s_slowChild.TotalSeconds:0} s, {(run.Thrown is null ? $"returned {run.Returned}" : $"threw {run.Thrown.GetType().Name}")}: " +
            "it must kill the child and throw a TimeoutException (see A_child_that_takes_too_long_is_killed).\n" +
            "Read next: " + ReadNext);
        if (run.Grandchild is { } grandchild)
        {
            Invariant.Holds(run.LeftRunning.Count > 0 || !run.GrandchildLeftRunning,
                $"The child had started a process of its own (process {grandchild}: the grader made it do so), and that " +
                "process was still running after SayHelloFromChildProcess had killed the child. child.Kill() ends only the " +
                "child; child.Kill(entireProcessTree: true) ends it with every process it started.\nRead next: " + ReadNext);
            Invariant.Holds(run.LeftRunning.Count == 0,
                $"SayHelloFromChildProcess threw TimeoutException, but its child (process {string.Join(", ", run.LeftRunning)}) " +
                "was still running after that: child.Kill(entireProcessTree: true), then child.WaitForExit(), then throw.\n" +
                "Read next: " + ReadNext);
        }
        else
        {
            TestContext.Out.WriteLine(ChildProcesses.CanFindByCommandLine
                ? "Note: the child was killed before it had started a process of its own, twice, so killing the whole tree was not checked."
                : "Note: killing the whole tree is checked on Linux only.");
        }
    }

    private static string Seconds(TimeSpan time) => $"{time.TotalSeconds:0.#} s";

    /// <summary>
    /// One call of SayHelloFromChildProcess for a child that sleeps 20 s before its Main, with a time-out of 1 s, and what
    /// the grader saw: at the moment the exception reached the caller, and a moment later.
    /// </summary>
    private sealed record KilledRun(
        TimeSpan Timeout,
        Exception? Thrown,
        ChildHello? Returned,
        TimeSpan Took,
        TimeSpan GaveUpAfter,
        bool ChildWokeUp,
        IReadOnlyList<int> ThereAtThrow,
        IReadOnlyList<int> LeftRunning,
        int? Grandchild,
        bool GrandchildLeftRunning,
        bool RunningAtReturn)
    {
        public static KilledRun Once(bool grandchild)
        {
            var run = Attempt(grandchild, s_killTimeout);
            // The child notes its id (and starts its own child) when its runtime is up, a fraction of a second after it
            // starts; on a machine so busy that the time-out came first, once more with time enough to see it.
            if (!run.Noted && ChildProcesses.CanFindByCommandLine && run.Result.Thrown is TimeoutException)
            {
                TestContext.Out.WriteLine("The child was killed before it had started; once more with a time-out of 5 s.");
                run = Attempt(grandchild, TimeSpan.FromSeconds(5));
            }

            return run.Result;
        }

        private static (KilledRun Result, bool Noted) Attempt(bool grandchild, TimeSpan timeout)
        {
            // A name no other process has: it is on the child's command line, so the grader can find the child.
            var marker = $"slow-{Guid.NewGuid():N}";
            var output = new WitnessWriter(TimeSpan.Zero);
            var notes = new ChildNotes();
            var setup = new ChildSetup { Sleep = s_slowChild, Notes = notes.Path, Grandchild = grandchild };
            var ourChildrenBefore = ChildProcesses.ChildrenOf(Environment.ProcessId);
            Exception? thrown = null;
            ChildHello? returned = null;
            var took = TimeSpan.Zero;
            var thrownAt = 0L;
            IReadOnlyList<int> thereAtThrow = [];
            // When the child was first seen stopped or ended: Kill(entireProcessTree: true) stops it (SIGSTOP) before it reads
            // the tree, Kill() ends it at once. That is when the code gave up waiting, whatever killing then took.
            long? killedAt = null;
            // When the child process was created (exec), read while it is there: the code's clock starts about then.
            long? createdAt = null;
            var callEnded = new GraderEvent();
            var watcher = new Thread(() =>
            {
                while (!callEnded.Wait(TimeSpan.FromMilliseconds(20)))
                {
                    if (notes.ChildId is { } child)
                    {
                        createdAt ??= ChildProcesses.CreatedAt(child);
                        if (!ChildProcesses.IsRunningUnstopped(child))
                        {
                            killedAt = Stopwatch.GetTimestamp();
                            return;
                        }
                    }
                }
            })
            { IsBackground = true };
            try
            {
                watcher.Start();
                using (setup.Apply())
                {
                    TimeLimits.Run(s_limit, $"calling Greeter.SayHelloFromChildProcess(\"{marker}\", output, timeout: {Seconds(timeout)})", () =>
                    {
                        var clock = Stopwatch.StartNew();
                        try
                        {
                            returned = Greeter.SayHelloFromChildProcess(marker, output, timeout);
                        }
                        catch (Exception e)
                        {
                            // At the very moment the exception reaches the caller: is the child gone (killed, and reaped by
                            // the wait), or still there, running or a zombie that nobody waited for?
                            thrownAt = Stopwatch.GetTimestamp();
                            took = clock.Elapsed;
                            thereAtThrow = notes.ChildId is { } child
                                ? ChildProcesses.Exists(child) ? [child] : []
                                : [.. ChildProcesses.ChildrenOf(Environment.ProcessId).Except(ourChildrenBefore)];
                            thrown = e;
                            return;
                        }

                        took = clock.Elapsed;
                    });
                }

                // Before the clean-up below kills it: a call that returned while its child was still running never waited.
                var runningAtReturn = returned is { } hello && hello.ProcessId != Environment.ProcessId && ChildProcesses.IsRunning(hello.ProcessId);
                callEnded.Set();
                watcher.Join();

                // Killed, the child ends within moments: still running 3 s later, it was not killed.
                var leftRunning = ChildProcesses.FindRunning(marker).Where(pid => !ChildProcesses.WaitUntilEnded(pid, TimeSpan.FromSeconds(3))).ToList();
                // Here, before the clean-up below kills whatever is left: a process the child started, still running 3 s
                // after the call, was not killed with it.
                var grandchildLeft = grandchild && notes.GrandchildId is { } started && !ChildProcesses.WaitUntilEnded(started, TimeSpan.FromSeconds(3));
                var sinceStart = (createdAt ?? notes.ChildStartedAt) is { } startedAt && (killedAt ?? thrownAt) is var end and > 0
                    ? Stopwatch.GetElapsedTime(startedAt, end)
                    : took;
                TestContext.Out.WriteLine($"SayHelloFromChildProcess(timeout: {Seconds(timeout)}) " +
                    $"{(thrown is null ? $"returned {returned}" : $"threw {thrown.GetType().Name}")} after {took.TotalMilliseconds:N0} ms" +
                    $"; it gave up on the child {sinceStart.TotalMilliseconds:N0} ms after the child had started; the child noted: " +
                    string.Join(", ", notes.Lines));
                var noted = notes.ChildId is not null && (!grandchild || notes.GrandchildId is not null);
                return (new KilledRun(timeout, thrown, returned, took, sinceStart, notes.Awake, thereAtThrow, leftRunning, notes.GrandchildId, grandchildLeft, runningAtReturn), noted);
            }
            finally
            {
                ChildProcesses.KillAll([.. ChildProcesses.FindRunning(marker), .. notes.Ids]);
                notes.Dispose();
            }
        }
    }

    /// <summary>What the grader makes the child do through its startup hook (see StartupHook).</summary>
    private sealed record ChildSetup
    {
        private static readonly string[] s_variables =
        [
            "DOTNET_STARTUP_HOOKS", StartupHook.SleepVariable, StartupHook.ExitCodeVariable, StartupHook.NotesVariable,
            StartupHook.GrandchildVariable,
        ];

        public TimeSpan? Sleep { get; init; }

        public int? ExitCode { get; init; }

        public string? Notes { get; init; }

        public bool Grandchild { get; init; }

        /// <summary>Sets the environment that a child started from now on inherits; disposing clears it again.</summary>
        public IDisposable Apply()
        {
            Set("DOTNET_STARTUP_HOOKS", typeof(StartupHook).Assembly.Location);
            Set(StartupHook.SleepVariable, Sleep is { } sleep ? ((int)sleep.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
            Set(StartupHook.ExitCodeVariable, ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Set(StartupHook.NotesVariable, Notes);
            Set(StartupHook.GrandchildVariable, Grandchild ? "1" : null);
            return new Cleared();
        }

        private static void Set(string name, string? value) => Environment.SetEnvironmentVariable(name, value);

        private sealed class Cleared : IDisposable
        {
            public void Dispose()
            {
                foreach (var name in s_variables)
                {
                    Set(name, null);
                }
            }
        }
    }

    /// <summary>The file the child notes in (see StartupHook.NotesVariable).</summary>
    private sealed class ChildNotes : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"katas-01-{Guid.NewGuid():N}.notes");

        public IReadOnlyList<string> Lines
        {
            get
            {
                try
                {
                    return File.Exists(Path) ? File.ReadAllLines(Path) : [];
                }
                catch (IOException)
                {
                    return [];
                }
            }
        }

        public int? ChildId => IdOf("child");

        /// <summary>When the child's runtime was up (its startup hook ran), on Stopwatch's clock.</summary>
        public long? ChildStartedAt => Lines.Select(line => line.Split(' ')).Where(parts => parts.Length == 3 && parts[0] == "child")
            .Select(parts => long.TryParse(parts[2], out var at) ? at : (long?)null).FirstOrDefault();

        public int? GrandchildId => IdOf("grandchild");

        public bool Awake => Lines.Contains("awake");

        public IEnumerable<int> Ids => new[] { ChildId, GrandchildId }.OfType<int>();

        public void Dispose()
        {
            try
            {
                File.Delete(Path);
            }
            catch (IOException)
            {
            }
        }

        private int? IdOf(string who) => Lines.Select(line => line.Split(' ')).Where(parts => parts.Length >= 2 && parts[0] == who)
            .Select(parts => int.TryParse(parts[1], out var id) ? id : (int?)null).FirstOrDefault();
    }

    /// <summary>One call of SayHelloFromChildProcess, with what the grader saw at its return.</summary>
    private sealed record ChildRun(
        ChildHello Returned,
        Exception? Thrown,
        TimeSpan Took,
        IReadOnlyList<WrittenLine> LinesAtReturn,
        IReadOnlyList<WrittenLine> AllLines,
        bool RunningAtReturn,
        int HellosAfter)
    {
        public IReadOnlyList<string> Lines => LinesAtReturn.Select(line => line.Text).ToList();

        /// <param name="expectThrow">Whether the check judges an exception itself; otherwise one fails the check here.</param>
        public static ChildRun Once(string name, TimeSpan hold = default, ChildSetup? setup = null, bool expectThrow = false)
        {
            var output = new WitnessWriter(hold);
            var clock = Stopwatch.StartNew();
            ChildHello? returned = null;
            Exception? thrown = null;
            var took = TimeSpan.Zero;
            var hellosAfter = 0;
            var lines = (IReadOnlyList<WrittenLine>)[];
            using (setup?.Apply())
            {
                TimeLimits.Run(s_limit,
                    $"calling Greeter.SayHelloFromChildProcess(\"{name}\", output, timeout: {s_childTimeout.TotalSeconds:0} s)", () =>
                    {
                        Greeter.HellosSaid = ParentHellos;
                        try
                        {
                            returned = Greeter.SayHelloFromChildProcess(name, output, s_childTimeout);
                        }
                        catch (Exception e)
                        {
                            thrown = e;
                        }

                        took = clock.Elapsed;
                        lines = output.Lines;
                        hellosAfter = Greeter.HellosSaid;
                    });
            }

            var running = returned is not null && returned.ProcessId != Environment.ProcessId && ChildProcesses.IsRunning(returned.ProcessId);
            // Lines still on their way (a copy that goes on after the return), for the messages.
            var all = output.WaitForLines(3, quiet: hold + TimeSpan.FromMilliseconds(300), atMost: TimeSpan.FromSeconds(3));
            TestContext.Out.WriteLine($"SayHelloFromChildProcess {(thrown is null ? $"returned {returned}" : $"threw {thrown.GetType().Name}")} " +
                $"after {took.TotalMilliseconds:N0} ms; the grader is process {Environment.ProcessId}; output at return:\n{WitnessWriter.Show(lines)}");
            if (running)
            {
                // Let it finish by itself (it only says hello), so it does not outlive the test run.
                try
                {
                    using var child = Process.GetProcessById(returned!.ProcessId);
                    child.WaitForExit(10_000);
                }
                catch (ArgumentException)
                {
                    // Already gone.
                }
            }

            Invariant.Holds(expectThrow || thrown is null,
                $"SayHelloFromChildProcess(\"{name}\", output, timeout: {s_childTimeout.TotalSeconds:0} s) threw " +
                $"{thrown?.GetType().Name} after {took.TotalMilliseconds:N0} ms: \"{thrown?.Message}\". This child says hello " +
                $"and exits within a fraction of a second, so the call must return its ChildHello.\n{thrown?.StackTrace}\n" +
                "Read next: " + ReadNext);
            return new ChildRun(returned ?? new ChildHello(0, -1), thrown, took, lines, all, running, hellosAfter);
        }

        /// <summary>The process id the child printed first, as the lesson's say_hello does; fails the test if there is none.</summary>
        public int PrintedProcessId()
        {
            Invariant.Holds(LinesAtReturn.Count > 0,
                (RunningAtReturn
                    ? $"SayHelloFromChildProcess returned while its child (process {Returned.ProcessId}) was still running, " +
                      "before it had printed anything. Wait for the child to exit (child.WaitForExit(timeout)) and copy what " +
                      "it printed before you return."
                    : "SayHelloFromChildProcess returned, and nothing had been written to the output it was given. Redirect " +
                      "the child's standard output (RedirectStandardOutput = true, UseShellExecute = false), read it, and " +
                      "write it to output. If the child failed to start, its error is in the test's standard error output" +
                      $" (exit code it returned: {Returned.ExitCode}).") +
                "\nRead next: " + ReadNext);
            Invariant.Holds(LinesAtReturn.Count == 3 && int.TryParse(LinesAtReturn[0].Text, out _),
                "The child says hello in three lines (its process id, \"hello <name>\", and its count of hellos), and " +
                $"SayHelloFromChildProcess must copy them to output unchanged, but output was:\n{WitnessWriter.Show(LinesAtReturn)}\n" +
                "Read next: " + ReadNext);
            return int.Parse(LinesAtReturn[0].Text);
        }

        /// <summary>The count the child printed in its third line, "hellos said in this process: N".</summary>
        public int PrintedHellos()
        {
            const string Prefix = "hellos said in this process: ";
            var line = LinesAtReturn[2].Text;
            Invariant.Holds(line.StartsWith(Prefix, StringComparison.Ordinal) && int.TryParse(line[Prefix.Length..], out _),
                $"The child's third line must be \"{Prefix}N\" (SayHello prints it), but it was \"{line}\".\nRead next: " + ReadNext);
            return int.Parse(line[Prefix.Length..]);
        }
    }
}
