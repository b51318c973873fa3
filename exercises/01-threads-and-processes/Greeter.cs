using System.Diagnostics;

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
    /// <remarks>
    /// TODO: this says hello right here, on the thread that called it: no new thread runs. Create a thread that
    /// calls SayHello, start it, wait for it to finish, and return the process id and thread id it saw inside.
    /// See README.md.
    /// </remarks>
    public static ThreadHello SayHelloFromThread(string name, TextWriter output)
    {
        SayHello(name, output);
        return new ThreadHello(Environment.ProcessId, Environment.CurrentManagedThreadId);
    }

    /// <summary>
    /// Says hello from a child process: starts this program again (<c>dotnet ThreadsAndProcesses.dll hello name</c>),
    /// copies what it prints to <paramref name="output"/>, and waits for it to exit. A child that has not exited
    /// within <paramref name="timeout"/> is killed, and a <see cref="TimeoutException"/> is thrown.
    /// </summary>
    /// <remarks>
    /// TODO: this says hello in this very process, not in a child one. Start <see cref="Program.ProgramFile"/> with
    /// <see cref="Program.DotnetHost"/> and the arguments "hello" and the name, as a new process; copy its output;
    /// wait for it to exit, at most <paramref name="timeout"/>. See README.md.
    /// </remarks>
    public static ChildHello SayHelloFromChildProcess(string name, TextWriter output, TimeSpan timeout)
    {
        SayHello(name, output);
        return new ChildHello(Environment.ProcessId, 0);
    }
}
