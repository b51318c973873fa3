using System.Diagnostics;
using System.Globalization;
using Katas.ThreadsAndProcesses;

namespace Katas.Graders.ThreadsAndProcesses;

/// <summary>Greeter.SayHelloFromChildProcess: another process, with its own id and its own memory, waited for.</summary>
public sealed class ChildProcessGrader
{
    private const string ReadNext =
        "exercises/01-threads-and-processes/README.md (\"A child process\"), and https://learn.microsoft.com/dotnet/api/system.diagnostics.process";

    /// <summary>The parent's count before each call: a number a fresh process cannot have by chance.</summary>
    private const int ParentHellos = 41;

    private static readonly TimeSpan s_childTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_limit = s_childTimeout + TimeSpan.FromSeconds(30);

    /// <summary>How long the child of A_child_that_takes_too_long_is_killed takes: far beyond its 1 s time-out.</summary>
    private static readonly TimeSpan s_slowChild = TimeSpan.FromSeconds(20);

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
        var run = ChildRun.Once("Vladimir");

        Invariant.Holds(run.Returned.ProcessId != Environment.ProcessId,
            "SayHelloFromChildProcess returned this very process's id: no child was started (see " +
            "The_child_process_has_its_own_process_id).\nRead next: " + ReadNext);
        Invariant.Holds(!run.RunningAtReturn,
            $"When SayHelloFromChildProcess returned, its child (process {run.Returned.ProcessId}) was still running. A " +
            "process you start is yours to finish: wait for it with child.WaitForExit(timeout) before you return (the " +
            "lesson's p.join()), so that its output is complete and its exit code known.\nRead next: " + ReadNext);
        Invariant.Holds(run.LinesAtReturn.Count == 3,
            $"When SayHelloFromChildProcess returned, {run.LinesAtReturn.Count} of the child's 3 lines had been written to " +
            $"output:\n{WitnessWriter.Show(run.LinesAtReturn)}\nCopy everything the child printed before you return: wait " +
            "for the child to exit, then for the end of its output (ReadToEndAsync's result, or WaitForExit() without a " +
            "time-out after BeginOutputReadLine).\nRead next: " + ReadNext);
    }

    [Test]
    public void A_child_that_takes_too_long_is_killed()
    {
        // A name no other process has: it is on the child's command line, so the grader can find the child.
        var marker = $"slow-{Guid.NewGuid():N}";
        var timeout = TimeSpan.FromSeconds(1);
        var clock = Stopwatch.StartNew();
        Exception? thrown = null;
        ChildHello? returned = null;
        var output = new WitnessWriter(TimeSpan.Zero);
        // A child started from now on inherits these, and sleeps before its Main: slow for certain, on any machine.
        Environment.SetEnvironmentVariable("DOTNET_STARTUP_HOOKS", typeof(StartupHook).Assembly.Location);
        Environment.SetEnvironmentVariable(StartupHook.SleepVariable, ((int)s_slowChild.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
        try
        {
            Bounded.Run(s_limit, $"calling Greeter.SayHelloFromChildProcess(\"{marker}\", output, timeout: 1 s)", () =>
            {
                try
                {
                    returned = Greeter.SayHelloFromChildProcess(marker, output, timeout);
                }
                catch (Exception e)
                {
                    thrown = e;
                }
            });
            var took = clock.Elapsed;
            var leftRunning = ChildProcesses.FindRunning(marker);

            Invariant.Holds(thrown is not null || returned is null || !ChildProcesses.IsRunning(returned.ProcessId),
                $"SayHelloFromChildProcess(name, output, timeout: 1 s) returned normally after {took.TotalMilliseconds:0} ms, " +
                $"while its child (process {returned?.ProcessId}) was still running: it did not wait for the child at all " +
                "(see The_caller_waits_for_the_child_to_exit). Wait with the limit, `if (!child.WaitForExit(timeout)) { ... }`; " +
                "when the time is up, kill the child and throw a TimeoutException.\nRead next: " + ReadNext);
            Invariant.Holds(thrown is not null,
                $"SayHelloFromChildProcess(name, output, timeout: 1 s) returned normally after {took.TotalMilliseconds:0} ms " +
                $"({returned}). The grader made this child take {s_slowChild.TotalSeconds:0} s, so the time limit was not kept. Wait with " +
                "the limit, `if (!child.WaitForExit(timeout)) { ... }`, and read the output while waiting " +
                "(child.StandardOutput.ReadToEndAsync() before WaitForExit, or BeginOutputReadLine). " +
                "child.StandardOutput.ReadToEnd() or WaitForExit() without a time-out wait as long as the child runs, and a " +
                "child that never ends would hang you forever.\nRead next: " + ReadNext);
            Invariant.Holds(thrown is TimeoutException,
                $"SayHelloFromChildProcess(name, output, timeout: 1 s) threw {thrown!.GetType().Name} " +
                $"(\"{thrown.Message}\"). When the child does not exit in time, kill it and throw a TimeoutException.\n" +
                "Read next: " + ReadNext);
            Invariant.Holds(leftRunning.Count == 0,
                $"SayHelloFromChildProcess threw TimeoutException, but its child (process {string.Join(", ", leftRunning)}) " +
                "was still running after that. A child that took too long must not be left behind: " +
                "child.Kill(entireProcessTree: true), then child.WaitForExit(), then throw.\nRead next: " + ReadNext);
            if (!ChildProcesses.CanFindByCommandLine)
            {
                TestContext.Out.WriteLine("Note: whether the child was killed is checked on Linux only; here only the " +
                    "TimeoutException was.");
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable("DOTNET_STARTUP_HOOKS", null);
            Environment.SetEnvironmentVariable(StartupHook.SleepVariable, null);
            ChildProcesses.KillAll(ChildProcesses.FindRunning(marker));
        }
    }

    /// <summary>One call of SayHelloFromChildProcess, with what the grader saw at its return.</summary>
    private sealed record ChildRun(ChildHello Returned, IReadOnlyList<WrittenLine> LinesAtReturn, bool RunningAtReturn, int HellosAfter)
    {
        public IReadOnlyList<string> Lines => LinesAtReturn.Select(line => line.Text).ToList();

        public static ChildRun Once(string name)
        {
            var output = new WitnessWriter(TimeSpan.Zero);
            var (returned, hellosAfter) = Bounded.Run(s_limit,
                $"calling Greeter.SayHelloFromChildProcess(\"{name}\", output, timeout: {s_childTimeout.TotalSeconds:0} s)", () =>
                {
                    Greeter.HellosSaid = ParentHellos;
                    var child = Greeter.SayHelloFromChildProcess(name, output, s_childTimeout);
                    return (child, Greeter.HellosSaid);
                });
            var lines = output.Lines;
            var running = returned is not null && returned.ProcessId != Environment.ProcessId && ChildProcesses.IsRunning(returned.ProcessId);
            TestContext.Out.WriteLine($"SayHelloFromChildProcess returned {returned}; the grader is process " +
                $"{Environment.ProcessId}; output at return:\n{WitnessWriter.Show(lines)}");
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

            return new ChildRun(returned ?? new ChildHello(0, -1), lines, running, hellosAfter);
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
