namespace Katas.ProcessLock;

/// <summary>
/// <c>dotnet ProcessLock.dll print &lt;item&gt; &lt;lock name&gt; &lt;log file&gt;</c> is what each child process of
/// <see cref="PrinterProcesses.PrintAll"/> runs: it notes that it started, then prints its item under the lock.
/// </summary>
public static class Program
{
    /// <summary>The dotnet host that runs this program: the <c>dotnet</c> of <c>dotnet ProcessLock.dll</c>.</summary>
    public static string DotnetHost { get; } = FindDotnetHost();

    /// <summary>This program's own file, ProcessLock.dll: a child process runs it again.</summary>
    public static string ProgramFile => typeof(Program).Assembly.Location;

    public static int Main(string[] args)
    {
        switch (args)
        {
            case ["print", var item, var lockName, var logFile]:
                SlowPrinter.Append(logFile, $"started {item} {Environment.ProcessId} {DateTime.UtcNow.Ticks}");
                Printer.PrintUnderLock(item, lockName, logFile);
                return 0;
            case []:
                var log = Path.Combine(Path.GetTempPath(), $"printer-{Environment.ProcessId}.log");
                PrinterProcesses.PrintAll(["first", "second", "third", "fourth"], $"printer-{Environment.ProcessId}", log);
                Console.Write(File.ReadAllText(log));
                File.Delete(log);
                return 0;
            default:
                Console.Error.WriteLine("usage: dotnet ProcessLock.dll [print <item> <lock name> <log file>]");
                return 2;
        }
    }

    private static string FindDotnetHost()
    {
        // Under `dotnet test` and `dotnet ProcessLock.dll` this process is the dotnet host itself. Started as
        // ./ProcessLock (the app host that `dotnet run` uses) it is not; then DOTNET_HOST_PATH or PATH has it.
        var self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return self;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
    }
}
