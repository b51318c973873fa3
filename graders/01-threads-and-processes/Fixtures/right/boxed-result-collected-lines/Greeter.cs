using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;

// Known right: the thread gets a StrongBox as its start argument (ParameterizedThreadStart, a background thread);
// the child's lines are collected as they arrive and copied after WaitForExit() has seen the end of the output;
// after a kill, the wait for the child to be gone is bounded (10 s) rather than endless. None of it is the
// reference's shape.

namespace Katas.ThreadsAndProcesses;

/// <summary>What the new thread saw, handed back to the thread that started it.</summary>
/// <param name="ProcessId">The process id inside the thread (<see cref="Environment.ProcessId"/>).</param>
/// <param name="ThreadId">The thread's managed id inside the thread (<see cref="Environment.CurrentManagedThreadId"/>).</param>
public sealed record ThreadHello(int ProcessId, int ThreadId);

/// <summary>The child process that said hello, after it exited.</summary>
/// <param name="ProcessId">The child's process id (<see cref="Process.Id"/>).</param>
/// <param name="ExitCode">What the child's Main returned (<see cref="Process.ExitCode"/>): 0 means it went well.</param>
public sealed record ChildHello(int ProcessId, int ExitCode);

/// <summary>The lesson's <c>say_hello</c>, run on a new thread and in a child process.</summary>
public static class Greeter
{
    /// <summary>
    /// How many hellos this process has said. A variable lives in the memory of one process: every thread of the
    /// process sees the same one; a child process has its own copy, which starts at 0.
    /// </summary>
    public static int HellosSaid { get; set; }

    /// <summary>The lesson's <c>say_hello(name)</c>: prints this process's id and "hello name", and counts the hello.</summary>
    public static void SayHello(string name, TextWriter output)
    {
        output.WriteLine(Environment.ProcessId);
        output.WriteLine($"hello {name}");
        HellosSaid++;
        output.WriteLine($"hellos said in this process: {HellosSaid}");
    }

    /// <summary>Says hello on a new thread, waits for it, and returns what the thread saw.</summary>
    public static ThreadHello SayHelloFromThread(string name, TextWriter output)
    {
        // A box handed to the thread as its start argument: no captured variable at all.
        var seen = new StrongBox<ThreadHello>();
        var thread = new Thread(state =>
        {
            ((StrongBox<ThreadHello>)state!).Value = new ThreadHello(Environment.ProcessId, Environment.CurrentManagedThreadId);
            SayHello(name, output);
        })
        {
            IsBackground = true,
        };
        thread.Start(seen);
        thread.Join();
        return seen.Value!;
    }

    /// <summary>
    /// Says hello from a child process: starts this program again (<c>dotnet ThreadsAndProcesses.dll hello name</c>),
    /// copies what it prints to <paramref name="output"/>, and waits for it to exit. A child that has not exited
    /// within <paramref name="timeout"/> is killed, and a <see cref="TimeoutException"/> is thrown.
    /// </summary>
    public static ChildHello SayHelloFromChildProcess(string name, TextWriter output, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(Program.DotnetHost)
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Program.ProgramFile);
        start.ArgumentList.Add("hello");
        start.ArgumentList.Add(name);

        using var child = Process.Start(start)
            ?? throw new InvalidOperationException($"Could not start {Program.DotnetHost} {Program.ProgramFile}.");
        // Read while waiting: a child whose output nobody reads blocks once the pipe is full. ReadToEnd() before the
        // timed wait would instead wait, without a limit, for a child that never ends.
        var lines = new ConcurrentQueue<string>();
        child.OutputDataReceived += (_, line) =>
        {
            if (line.Data is not null)
            {
                lines.Enqueue(line.Data);
            }
        };
        child.BeginOutputReadLine();
        if (!child.WaitForExit(timeout))
        {
            child.Kill(entireProcessTree: true);
            // Killed: gone within moments. A bounded wait, so that even a child that cannot be reaped does not hang us.
            child.WaitForExit(TimeSpan.FromSeconds(10));
            throw new TimeoutException($"The child process {child.Id} did not exit within {timeout} and was killed.");
        }

        // After a timed wait, the last lines may still be on their way: this wait also waits for the end of the output.
        child.WaitForExit();
        foreach (var line in lines)
        {
            output.WriteLine(line);
        }

        return new ChildHello(child.Id, child.ExitCode);
    }
}
