namespace Katas.ThreadsAndProcesses;

/// <summary>
/// The kata's program. <c>dotnet ThreadsAndProcesses.dll hello &lt;name&gt;</c> is what a child process runs: it says
/// hello in a process of its own. With no arguments it runs the lesson: hello from a thread, then from a child process.
/// </summary>
public static class Program
{
    /// <summary>The dotnet host that runs this program: the <c>dotnet</c> of <c>dotnet ThreadsAndProcesses.dll</c>.</summary>
    public static string DotnetHost { get; } = FindDotnetHost();

    /// <summary>This program's own file, ThreadsAndProcesses.dll: a child process runs it again.</summary>
    public static string ProgramFile => typeof(Program).Assembly.Location;

    public static int Main(string[] args)
    {
        switch (args)
        {
            case ["hello", var name]:
                Greeter.SayHello(name, Console.Out);
                return 0;
            case []:
                RunLesson(Console.Out);
                return 0;
            default:
                Console.Error.WriteLine("usage: dotnet ThreadsAndProcesses.dll [hello <name>]");
                return 2;
        }
    }

    /// <summary>The lesson's two examples, one after the other, with what each shows.</summary>
    private static void RunLesson(TextWriter output)
    {
        output.WriteLine($"main thread: process {Environment.ProcessId}, thread {Environment.CurrentManagedThreadId}");

        var thread = Greeter.SayHelloFromThread("Vladimir", output);
        output.WriteLine($"the new thread ran in process {thread.ProcessId} (the same), as thread {thread.ThreadId}; " +
                         $"hellos said in this process now: {Greeter.HellosSaid}");

        var child = Greeter.SayHelloFromChildProcess("Vladimir", output, TimeSpan.FromSeconds(30));
        output.WriteLine($"the child was process {child.ProcessId} (another one) and exited with code {child.ExitCode}; " +
                         $"hellos said in this process still: {Greeter.HellosSaid}");
    }

    private static string FindDotnetHost()
    {
        // Under `dotnet test` and `dotnet ThreadsAndProcesses.dll` this process is the dotnet host itself. Started as
        // ./ThreadsAndProcesses (the app host that `dotnet run` uses) it is not; then the SDK's host is named in
        // DOTNET_HOST_PATH or found on PATH.
        var self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return self;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
    }
}
