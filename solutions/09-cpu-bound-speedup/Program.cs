using System.Diagnostics;

namespace Katas.CpuBoundSpeedup;

/// <summary>
/// <c>dotnet CpuBoundSpeedup.dll count &lt;n&gt;</c> is what a child process of <see cref="CountRunner.InProcesses"/>
/// runs: it prints <c>Countdown.Count(n)</c> and exits. With no arguments (or <c>compare &lt;n&gt;</c>) it runs the
/// lesson's comparison.
/// </summary>
public static class Program
{
    /// <summary>Set by the grader: the folder where a child process notes when it counted (its only window into your children).</summary>
    public const string TraceFolderVariable = "KATAS_COUNT_TRACE";

    /// <summary>The dotnet host that runs this program: the <c>dotnet</c> of <c>dotnet CpuBoundSpeedup.dll</c>.</summary>
    public static string DotnetHost { get; } = FindDotnetHost();

    /// <summary>This program's own file, CpuBoundSpeedup.dll: a child process runs it again.</summary>
    public static string ProgramFile => typeof(Program).Assembly.Location;

    public static int Main(string[] args)
    {
        switch (args)
        {
            case ["count", var text] when long.TryParse(text, out var n):
                Console.WriteLine(CountAndTrace(n));
                return 0;
            case []:
                CompareLikeTheLesson(100_000_000);
                return 0;
            case ["compare", var text] when long.TryParse(text, out var n):
                CompareLikeTheLesson(n);
                return 0;
            default:
                Console.Error.WriteLine("usage: dotnet CpuBoundSpeedup.dll [count <n> | compare <n>]");
                return 2;
        }
    }

    private static long CountAndTrace(long n)
    {
        var started = DateTime.UtcNow;
        var checksum = Countdown.Count(n);
        if (Environment.GetEnvironmentVariable(TraceFolderVariable) is { Length: > 0 } trace)
        {
            // A file per child: appends from several processes to one file can lose lines on Linux.
            File.WriteAllText(Path.Combine(trace, $"{Environment.ProcessId}.trace"), $"{Environment.ProcessId} {started.Ticks} {DateTime.UtcNow.Ticks}\n");
        }

        return checksum;
    }

    private static void CompareLikeTheLesson(long n)
    {
        Console.WriteLine($"count({n:N0}) twice, on {Environment.ProcessorCount} cores:");
        var sequential = Time(() => CountRunner.Sequentially(_ => Countdown.Count(n), 2));
        Console.WriteLine($"  one after another: {sequential.TotalSeconds:0.00} s");
        var threads = Time(() => CountRunner.OnThreads(_ => Countdown.Count(n), 2));
        Console.WriteLine($"  on two threads:    {threads.TotalSeconds:0.00} s ({sequential / threads:0.0}x)");
        var processes = Time(() => CountRunner.InProcesses(n, 2));
        Console.WriteLine($"  in two processes:  {processes.TotalSeconds:0.00} s ({sequential / processes:0.0}x)");
    }

    private static TimeSpan Time(Action run)
    {
        var clock = Stopwatch.StartNew();
        run();
        return clock.Elapsed;
    }

    private static string FindDotnetHost()
    {
        // Under `dotnet test` and `dotnet CpuBoundSpeedup.dll` this process is the dotnet host itself. Started as
        // ./CpuBoundSpeedup (the app host that `dotnet run` uses) it is not; then DOTNET_HOST_PATH or PATH has it.
        var self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return self;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
    }
}
