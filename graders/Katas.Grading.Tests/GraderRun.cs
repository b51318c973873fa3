using Katas.Cli;

namespace Katas.Grading.Tests;

/// <summary>
/// One `dotnet test` of a grader (or of the whole solution) against some KataSource, run exactly as a
/// student or a teacher would run it, with a time limit, its results read back from a TRX file.
/// </summary>
internal sealed record GraderRun(int ExitCode, IReadOnlyList<GraderTestResult> Results, string Console)
{
    private static readonly TimeSpan s_limit = TimeSpan.FromMinutes(5);
    // The whole solution is 13 graders in one run: at load 100 on 2 cores it outlived 5 minutes (issue 11's graders).
    private static readonly TimeSpan s_solutionLimit = TimeSpan.FromMinutes(20);

    /// <summary>
    /// Tests that did not pass. NotExecuted (NUnit's Inconclusive, Ignored) is neither: a speed check that found the
    /// machine too busy to judge reports Inconclusive, by design never a failure, and never proof of a bug either.
    /// </summary>
    public IEnumerable<GraderTestResult> Failed => Results.Where(r => r.Failed);

    /// <param name="artifacts">Where this run builds (dotnet's --artifacts-path): runs with different folders can run at once.</param>
    /// <param name="onlyTests">Grader test methods to run (all when empty).</param>
    /// <param name="properties">More MSBuild properties, as name=value.</param>
    public static GraderRun Start(
        string target, string kataSource, string artifacts, IReadOnlyCollection<string>? onlyTests = null, IReadOnlyCollection<string>? properties = null)
    {
        var results = Directory.CreateTempSubdirectory("katas-trx-").FullName;
        var limit = target == Repository.Solution ? s_solutionLimit : s_limit;
        var built = target != Repository.Solution && FastBuild(target, kataSource, artifacts, properties, limit);
        // Built here already: its assembly is tested as `katas grade` tests it (tools/Katas.Cli/KataRunner.cs), without
        // MSBuild; otherwise `dotnet test` builds the project first.
        List<string> arguments = built
            ? ["test", Path.Combine(GraderOutDir(target, artifacts), Path.GetFileNameWithoutExtension(target) + ".dll"),
               "--settings", Repository.Layout.GraderRunSettings, "--logger", "trx", "--results-directory", results]
            : ["test", target, "--no-restore", $"-p:KataSource={kataSource}", "--artifacts-path", artifacts,
               "--logger", "trx", $"-p:GraderResultsDirectory={results}", .. (properties ?? []).Select(property => $"-p:{property}")];
        if (onlyTests is { Count: > 0 })
        {
            arguments.AddRange(["--filter", string.Join("|", onlyTests.Select(test => $"FullyQualifiedName~.{test}"))]);
        }

        var (exitCode, console) = Dotnet(arguments, limit);
        if (properties is { Count: > 0 })
        {
            // Its build had settings of its own: the next run in this slot must not take it for the default one.
            KataFastBuild.Forget(GraderOutDir(target, artifacts));
        }

        var testResults = Directory.GetFiles(results, "*.trx", SearchOption.AllDirectories).SelectMany(TrxFile.Read).ToList();
        Directory.Delete(results, recursive: true);
        return new GraderRun(exitCode, testResults, console);
    }

    /// <summary>
    /// A fixture's code compiled the way `katas grade` compiles a submission: only the kata's assembly, when the grader was
    /// built in this slot before (tools/Katas.Cli/KataFastBuild.cs); false when `dotnet test` has to build it all.
    /// </summary>
    private static bool FastBuild(string target, string kataSource, string artifacts, IReadOnlyCollection<string>? properties, TimeSpan limit)
    {
        var outDir = GraderOutDir(target, artifacts);
        if (properties is { Count: > 0 } || !Path.IsPathRooted(kataSource))
        {
            KataFastBuild.Forget(outDir);
            return false;
        }

        var kata = Path.GetFileName(Path.GetDirectoryName(target))!;
        return KataFastBuild.TryBuild(outDir, Path.Combine(kataSource, kata), limit).Build is not null;
    }

    /// <summary>Where `dotnet test --artifacts-path` puts a grader's assembly (bin/&lt;project&gt;/debug).</summary>
    public static string GraderOutDir(string graderProject, string artifacts) =>
        Path.Combine(artifacts, "bin", Path.GetFileNameWithoutExtension(graderProject), "debug");

    /// <summary>Restores every project of <paramref name="target"/> into the build folder <paramref name="artifacts"/>.</summary>
    public static void Restore(string target, string artifacts)
    {
        var (exitCode, console) = Dotnet(["restore", target, "--artifacts-path", artifacts], s_limit);
        exitCode.Should().Be(0, "`dotnet restore {0}` must succeed:\n{1}", target, console);
    }

    private static (int ExitCode, string Console) Dotnet(IReadOnlyList<string> arguments, TimeSpan limit)
    {
        var run = DotnetCommand.Run(arguments, Repository.Root, limit);
        if (run.TimedOut)
        {
            Assert.Fail($"`dotnet {string.Join(' ', arguments)}` did not finish within {limit}. Output:\n{run.Output}");
        }

        return (run.ExitCode, run.Output);
    }

    public override string ToString() =>
        $"exit code {ExitCode}; " + string.Join("; ", Results.Select(r => $"{r.Name}: {r.Outcome}"));
}

internal static class GraderTestResultOfKata
{
    public static bool IsFrom(this GraderTestResult result, Kata kata) =>
        string.Equals(Path.GetFileNameWithoutExtension(result.Assembly), Path.GetFileNameWithoutExtension(kata.GraderProject), StringComparison.OrdinalIgnoreCase);
}
