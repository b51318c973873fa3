using System.Diagnostics;
using System.Text;

namespace Katas.Mutation;

public sealed record ProcessResult(int ExitCode, bool TimedOut, string Output, TimeSpan Duration);

/// <summary>
/// Runs one command with a time limit; on time-out the whole process tree goes (a grader's test host and every
/// child process the mutant started from it). The idea of tools/Katas.Cli/DotnetCommand.cs, which this tool does
/// not reference so that it can measure any commit's graders.
/// </summary>
public static class ProcessRunner
{
    private const int OutputCapacity = 512 * 1024;

    public static ProcessResult Run(string fileName, IReadOnlyList<string> arguments, string workingDirectory, TimeSpan limit,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        // Under `dotnet run` MSBuild settings of the parent would leak into the child and point it at the wrong SDK
        // paths; KATAS_* would change what graders do (KATAS_REPLAY).
        foreach (var key in start.Environment.Keys.Where(IsInheritedSetting).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["COYOTE_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var output = new StringBuilder();
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var timedOut = !process.WaitForExit(limit);
        if (timedOut)
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

        // A grandchild that escaped the tree may still hold the output pipes open: do not wait for it forever.
        _ = process.WaitForExit(TimeSpan.FromSeconds(10));
        lock (output)
        {
            return new ProcessResult(timedOut || !process.HasExited ? -1 : process.ExitCode, timedOut, output.ToString(), clock.Elapsed);
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            if (output.Length < OutputCapacity)
            {
                output.AppendLine(line);
            }
        }
    }

    private static bool IsInheritedSetting(string key) =>
        key.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("KATAS_", StringComparison.Ordinal)
        || key.Equals("DOTNET_ROLL_FORWARD", StringComparison.OrdinalIgnoreCase)
        || key.Equals("MSBuildExtensionsPath", StringComparison.OrdinalIgnoreCase)
        || key.Equals("MSBuildSDKsPath", StringComparison.OrdinalIgnoreCase);
}
