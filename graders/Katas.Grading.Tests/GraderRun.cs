using System.Diagnostics;
using System.Text;
using System.Xml.Linq;

namespace Katas.Grading.Tests;

/// <summary>
/// One `dotnet test` of a grader (or of the whole solution) against some KataSource, run exactly as a
/// student or a teacher would run it, with a time limit, its results read back from a TRX file.
/// </summary>
internal sealed record GraderRun(int ExitCode, IReadOnlyList<GraderTestResult> Results, string Console)
{
    private static readonly TimeSpan s_limit = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Tests that did not pass. NotExecuted (NUnit's Inconclusive, Ignored) is neither: a speed check that found the
    /// machine too busy to judge reports Inconclusive, by design never a failure, and never proof of a bug either.
    /// </summary>
    public IEnumerable<GraderTestResult> Failed => Results.Where(r => r.Outcome is not ("Passed" or "NotExecuted"));

    /// <param name="artifacts">Where this run builds (dotnet's --artifacts-path): runs with different folders can run at once.</param>
    /// <param name="onlyTests">Grader test methods to run (all when empty).</param>
    public static GraderRun Start(string target, string kataSource, string artifacts, IReadOnlyCollection<string>? onlyTests = null)
    {
        var results = Directory.CreateTempSubdirectory("katas-trx-").FullName;
        var arguments = new List<string>
        {
            "test", target, "--no-restore", $"-p:KataSource={kataSource}", "--artifacts-path", artifacts,
            "--logger", "trx", $"-p:GraderResultsDirectory={results}",
        };
        if (onlyTests is { Count: > 0 })
        {
            arguments.AddRange(["--filter", string.Join("|", onlyTests.Select(test => $"FullyQualifiedName~.{test}"))]);
        }

        var (exitCode, console) = Dotnet(arguments);
        var testResults = Directory.GetFiles(results, "*.trx", SearchOption.AllDirectories).SelectMany(ReadTrx).ToList();
        Directory.Delete(results, recursive: true);
        return new GraderRun(exitCode, testResults, console);
    }

    /// <summary>Restores every project of <paramref name="target"/> into the build folder <paramref name="artifacts"/>.</summary>
    public static void Restore(string target, string artifacts)
    {
        var (exitCode, console) = Dotnet(["restore", target, "--artifacts-path", artifacts]);
        exitCode.Should().Be(0, "`dotnet restore {0}` must succeed:\n{1}", target, console);
    }

    private static (int ExitCode, string Console) Dotnet(IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo("dotnet", arguments)
        {
            WorkingDirectory = Repository.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // This suite itself runs under `dotnet test`: its MSBuild and VSTest settings must not leak into the child.
        foreach (var key in start.Environment.Keys.Where(IsInheritedBuildSetting).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";

        using var process = Process.Start(start)!;
        var console = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(console, e.Data);
        process.ErrorDataReceived += (_, e) => Append(console, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(s_limit))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"`dotnet {string.Join(' ', arguments)}` did not finish within {s_limit}. Output:\n{console}");
        }

        process.WaitForExit();
        return (process.ExitCode, console.ToString());
    }

    private static bool IsInheritedBuildSetting(string key) =>
        key.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase)
        || key.Equals("MSBuildExtensionsPath", StringComparison.OrdinalIgnoreCase)
        || key.Equals("MSBuildSDKsPath", StringComparison.OrdinalIgnoreCase)
        || key.Equals(Grading.SystematicTest.ReplayVariable, StringComparison.Ordinal);

    private static void Append(StringBuilder console, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (console)
        {
            console.AppendLine(line);
        }
    }

    private static IEnumerable<GraderTestResult> ReadTrx(string path)
    {
        XNamespace ns = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";
        var trx = XDocument.Load(path);
        var assemblies = trx.Descendants(ns + "UnitTest").ToDictionary(
            test => (string?)test.Attribute("id") ?? "",
            test => (string?)test.Attribute("storage") ?? "");
        return trx.Descendants(ns + "UnitTestResult").Select(result => new GraderTestResult(
            Name: (string?)result.Attribute("testName") ?? "",
            Outcome: (string?)result.Attribute("outcome") ?? "",
            Message: result.Descendants(ns + "Message").FirstOrDefault()?.Value ?? "",
            Output: result.Descendants(ns + "StdOut").FirstOrDefault()?.Value ?? "",
            Assembly: assemblies.GetValueOrDefault((string?)result.Attribute("testId") ?? "", "")));
    }

    public override string ToString() =>
        $"exit code {ExitCode}; " + string.Join("; ", Results.Select(r => $"{r.Name}: {r.Outcome}"));
}

/// <param name="Assembly">The grader assembly that ran the test (tells which kata it belongs to).</param>
internal sealed record GraderTestResult(string Name, string Outcome, string Message, string Output, string Assembly)
{
    public bool IsFrom(Kata kata) =>
        string.Equals(Path.GetFileNameWithoutExtension(Assembly), Path.GetFileNameWithoutExtension(kata.GraderProject), StringComparison.OrdinalIgnoreCase);
}
