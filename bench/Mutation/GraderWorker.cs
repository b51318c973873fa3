using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml;
using System.Xml.Linq;

namespace Katas.Mutation;

public static class Status
{
    public const string Killed = "killed";
    public const string Survived = "survived";
    public const string TimedOut = "timedout";
    public const string Stillborn = "stillborn";
    public const string Equivalent = "equivalent";
    public const string Error = "error";
    public const string NotRun = "notrun";
}

/// <summary>What one grader run made of one kata assembly.</summary>
/// <param name="Checks">How many checks reported a result.</param>
public sealed record GradeOutcome(string Status, IReadOnlyList<string> FailingChecks, string Message, int Checks, double Seconds);

/// <summary>
/// A private copy of a kata's grader output folder: a mutant's assembly is written into it, rewritten by Coyote
/// (when the grader's build rewrites), and graded there by `dotnet test` on the grader dll, within the kata's limit.
/// </summary>
public sealed class GraderWorker
{
    private readonly KataBuild _build;
    private readonly string _repository;
    private readonly TimeSpan _limit;

    public GraderWorker(KataBuild build, string folder, string repository, TimeSpan limit)
    {
        _build = build;
        Folder = folder;
        _repository = repository;
        _limit = limit;
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        CopyDirectory(build.GraderDirectory, folder);
    }

    public string Folder { get; }

    /// <summary>False only to measure what a grader makes of an assembly Coyote did not rewrite (--no-rewrite).</summary>
    public bool Rewrite { get; init; } = true;

    /// <summary>Grades one kata assembly; the TRX file goes to <paramref name="resultsDirectory"/>.</summary>
    public GradeOutcome Grade(CompiledKata kata, string resultsDirectory, int expectedChecks)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        File.WriteAllBytes(Path.Combine(Folder, _build.KataFileName), kata.Dll);
        File.WriteAllBytes(Path.Combine(Folder, _build.KataAssemblyName + ".pdb"), kata.Pdb);
        // Graders that run real-thread checks on the code as compiled (graders/Kata.Grader.targets, KeepUnrewrittenCopy)
        // load the kata from unrewritten/: the mutant goes there too, as compiled.
        var unrewritten = Path.Combine(Folder, "unrewritten");
        if (File.Exists(Path.Combine(unrewritten, _build.KataFileName)))
        {
            File.WriteAllBytes(Path.Combine(unrewritten, _build.KataFileName), kata.Dll);
            File.WriteAllBytes(Path.Combine(unrewritten, _build.KataAssemblyName + ".pdb"), kata.Pdb);
        }
        if (_build.CoyoteRewrite && Rewrite && RewriteKata() is { } problem)
        {
            return new GradeOutcome(Status.Error, [], problem, 0, clock.Elapsed.TotalSeconds);
        }

        if (Directory.Exists(resultsDirectory))
        {
            Directory.Delete(resultsDirectory, recursive: true);
        }

        Directory.CreateDirectory(resultsDirectory);
        // As the batch grader (tools/Katas.Cli/KataRunner.cs): a check silent for 60% of the limit is hung.
        var hang = TimeSpan.FromSeconds(Math.Max(30, (int)(_limit.TotalSeconds * 0.6)));
        var test = ProcessRunner.Run(
            "dotnet",
            ["test", Path.Combine(Folder, _build.GraderFileName), "--settings", Path.Combine(_repository, "graders", "grading.runsettings"),
             "--logger", "trx;LogFileName=grader.trx", "--results-directory", resultsDirectory,
             "--blame-hang", "--blame-hang-timeout", $"{(int)hang.TotalSeconds}s", "--blame-hang-dump-type", "none"],
            Folder,
            _limit);
        var trx = Path.Combine(resultsDirectory, "grader.trx");
        var checks = File.Exists(trx) ? ReadTrx(trx) : [];
        var failed = checks.Where(c => c.Outcome is not ("Passed" or "NotExecuted")).ToList();
        var seconds = clock.Elapsed.TotalSeconds;
        if (test.TimedOut || test.Output.Contains("The specified inactivity time", StringComparison.Ordinal))
        {
            return new GradeOutcome(Status.TimedOut, [.. failed.Select(c => c.Name)], $"timed out after {test.Duration.TotalSeconds:0} s", checks.Count, seconds);
        }

        if (failed.Count > 0)
        {
            return new GradeOutcome(Status.Killed, [.. failed.Select(c => c.Name)], failed[0].Message, checks.Count, seconds);
        }

        // The batch grader scores a test process that ended before its checks did as 0 ("crashed"): a kill too.
        if (checks.Count == 0 || checks.Count < expectedChecks || WasAborted(test.Output))
        {
            return new GradeOutcome(Status.Killed, ["(test host crashed)"], Tail(test.Output), checks.Count, seconds);
        }

        return new GradeOutcome(Status.Survived, [], "", checks.Count, seconds);
    }

    /// <summary>Runs `coyote rewrite` on the kata assembly alone; null when it was rewritten, else what went wrong.</summary>
    private string? RewriteKata()
    {
        var config = Path.Combine(Folder, "..", Path.GetFileName(Folder) + ".coyote.json");
        File.WriteAllText(config, $$"""{ "AssembliesPath": "{{Folder.Replace('\\', '/')}}/", "Assemblies": [ "{{_build.KataFileName}}" ] }""");
        var run = ProcessRunner.Run("dotnet", ["coyote", "rewrite", Path.GetFullPath(config)], _repository, TimeSpan.FromMinutes(2),
            new Dictionary<string, string> { ["DOTNET_ROLL_FORWARD"] = "Major" });
        // Measured: a pdb that does not match the dll makes the rewriter skip the assembly and still exit 0.
        return run.ExitCode == 0 && IsRewritten(Path.Combine(Folder, _build.KataFileName))
            ? null
            : $"coyote rewrite did not rewrite {_build.KataFileName} (exit code {run.ExitCode}):\n{Tail(run.Output)}";
    }

    /// <summary>Coyote marks what it rewrote with its RewritingSignatureAttribute.</summary>
    public static bool IsRewritten(string assembly)
    {
        using var stream = File.OpenRead(assembly);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        return metadata.TypeReferences.Any(handle => metadata.GetString(metadata.GetTypeReference(handle).Name) == "RewritingSignatureAttribute")
            || metadata.TypeDefinitions.Any(handle => metadata.GetString(metadata.GetTypeDefinition(handle).Name) == "RewritingSignatureAttribute");
    }

    public sealed record TrxResult(string Name, string Outcome, string Message);

    /// <summary>The results VSTest writes with `--logger trx` (after tools/Katas.Cli/TrxFile.cs).</summary>
    public static List<TrxResult> ReadTrx(string path)
    {
        XNamespace ns = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";
        using var reader = XmlReader.Create(path, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
        var trx = XDocument.Load(reader);
        return [.. trx.Descendants(ns + "UnitTestResult").Select(result => new TrxResult(
            (string?)result.Attribute("testName") ?? "",
            (string?)result.Attribute("outcome") ?? "",
            FirstLine(result.Descendants(ns + "Message").FirstOrDefault()?.Value ?? "")))];
    }

    private static string FirstLine(string text)
    {
        var line = text.Trim().Split('\n')[0].Trim();
        return line.Length > 300 ? line[..300] + "…" : line;
    }

    private static bool WasAborted(string output) =>
        output.Contains("Test Run Aborted", StringComparison.Ordinal)
        || output.Contains("The active test run was aborted", StringComparison.Ordinal)
        || output.Contains("Test host process crashed", StringComparison.Ordinal);

    private static string Tail(string output) => output.Length > 1500 ? output[^1500..] : output;

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
        }

        foreach (var directory in Directory.GetDirectories(from))
        {
            CopyDirectory(directory, Path.Combine(to, Path.GetFileName(directory)));
        }
    }
}
