using System.Diagnostics;

namespace Katas.Cli;

/// <param name="TimedOut">The command outlived its limit; its whole process tree was killed.</param>
/// <param name="Output">Standard output and error together, capped (see <see cref="CappedText"/>).</param>
public sealed record CommandResult(int ExitCode, bool TimedOut, string Output, TimeSpan Duration)
{
    /// <summary>The sandbox's limit the command went over ("process limit", "memory limit"); it was stopped. Null when none.</summary>
    public string? OverLimit { get; init; }
}

/// <summary>
/// One `dotnet` command (build, test, restore) with a time limit. On time-out the whole process tree goes:
/// a grader's test host and every child process a submission started from it.
/// </summary>
public static class DotnetCommand
{
    private const int OutputCapacity = 256 * 1024;

    /// <param name="environment">Variables to set for the command (GITHUB_OUTPUT for a Classroom step, say).</param>
    /// <param name="line">Called with each line of output as it comes (from the reading thread), e.g. for progress.</param>
    public static CommandResult Run(IReadOnlyList<string> arguments, string workingDirectory, TimeSpan limit,
        IReadOnlyDictionary<string, string>? environment = null, Action<string>? line = null) =>
        Run("dotnet", arguments, workingDirectory, limit, environment, line);

    /// <summary>The variables every command gets on top of the cleaned environment (the sandbox sets them too).</summary>
    public static IReadOnlyDictionary<string, string> BaseEnvironment { get; } = new Dictionary<string, string>
    {
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
        ["DOTNET_CLI_UI_LANGUAGE"] = "en",
    };

    /// <summary>
    /// Another program that runs `dotnet` itself (a script of the Classroom workflow or Gradescope's run_autograder, git),
    /// with the same clean environment, limit and capped output.
    /// </summary>
    public static CommandResult Run(string program, IReadOnlyList<string> arguments, string workingDirectory, TimeSpan limit,
        IReadOnlyDictionary<string, string>? environment = null, Action<string>? line = null, CancellationToken stop = default)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        // Under `dotnet test` (this repository's own suite) or `dotnet run`, MSBuild and VSTest settings of the
        // parent would leak into the child and point it at the wrong SDK paths or test session.
        foreach (var key in start.Environment.Keys.Where(IsInheritedBuildSetting).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (name, value) in BaseEnvironment.Concat(environment ?? new Dictionary<string, string>()))
        {
            start.Environment[name] = value;
        }

        var output = new CappedText(OutputCapacity);
        // Set when a stream reaches its end (a null line): WaitForExit(timeout) does not wait for the reading threads, and a
        // short command's last line (git rev-parse's only one) was seen lost on a loaded machine.
        using var outputEnded = new ManualResetEventSlim();
        using var errorEnded = new ManualResetEventSlim();
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        DataReceivedEventHandler Reader(ManualResetEventSlim ended, Action<string>? each) => (_, e) =>
        {
            if (e.Data is null)
            {
                ended.Set();
                return;
            }

            output.AppendLine(e.Data);
            each?.Invoke(e.Data);
        };
        process.OutputDataReceived += Reader(outputEnded, line);
        process.ErrorDataReceived += Reader(errorEnded, null);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // Stopped (by the sandbox's watch over its limits) is killed like timed out, but is not a time-out.
        // WaitForExit returns as soon as the process exits; the 100 ms slices only bound how late a stop is noticed.
        bool exited;
        while (!(exited = process.WaitForExit(Min(limit - clock.Elapsed, TimeSpan.FromMilliseconds(100))))
               && !stop.IsCancellationRequested && clock.Elapsed < limit)
        {
        }

        var timedOut = !exited && !stop.IsCancellationRequested;
        if (!exited)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It ended on its own between the wait and the kill.
            }
        }

        // Every line read before the result is made; but a grandchild that escaped the tree may still hold the output pipes
        // open: do not wait for them forever.
        _ = process.WaitForExit(TimeSpan.FromSeconds(10));
        var drainedBy = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        _ = outputEnded.Wait(TimeSpan.FromSeconds(10));
        _ = errorEnded.Wait(TimeSpan.FromTicks(Math.Max(0, (drainedBy - DateTime.UtcNow).Ticks)));
        return new CommandResult(timedOut ? -1 : SafeExitCode(process), timedOut, output.ToString(), clock.Elapsed);
    }

    private static int SafeExitCode(Process process) => process.HasExited ? process.ExitCode : -1;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? (a < TimeSpan.Zero ? TimeSpan.Zero : a) : b;

    public static bool IsInheritedBuildSetting(string key) =>
        key.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("KATAS_", StringComparison.Ordinal)
        // UseSharedCompilation=false (set on some CI images) starts a fresh compiler for every project: measured on kata 04,
        // 15.6 s of CoreCompile per grader build against 1.2 s with the SDK's default compiler server.
        || key.Equals("UseSharedCompilation", StringComparison.OrdinalIgnoreCase)
        || key.Equals("MSBuildExtensionsPath", StringComparison.OrdinalIgnoreCase)
        || key.Equals("MSBuildSDKsPath", StringComparison.OrdinalIgnoreCase);
}
