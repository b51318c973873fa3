using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Katas.Mutation;

/// <summary>
/// dotnet run --project bench/Mutation -c Release -- [katas...] [--source solutions] [--workers 1|2]
///   [--out artifacts/mutation] [--list] [--only &lt;mutant-id&gt;...] [--limit-minutes N] [--repo path]
///   [--include-given] [--fresh]
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        Options options;
        try
        {
            options = Options.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(Options.Usage);
            return 2;
        }

        var deadline = options.LimitMinutes is { } minutes ? DateTime.UtcNow.AddMinutes(minutes) : DateTime.MaxValue;
        var failed = false;
        foreach (var kata in options.Katas)
        {
            try
            {
                failed |= !new KataRun(options, kata, deadline).Run();
            }
            catch (InvalidOperationException e)
            {
                Console.Error.WriteLine($"[{kata}] {e.Message}");
                failed = true;
            }
        }

        if (!options.List)
        {
            var reports = Directory.GetFiles(options.Out, "*.json").Order(StringComparer.Ordinal)
                .Select(KataReport.Load).OfType<KataReport>().Where(r => r.Kata.Length > 0).ToList();
            var markdown = KataReport.Markdown(reports);
            File.WriteAllText(Path.Combine(options.Out, "summary.md"), markdown);
            Console.WriteLine();
            Console.WriteLine(markdown);
        }

        return failed ? 1 : 0;
    }
}

public sealed class Options
{
    public const string Usage =
        "usage: dotnet run --project bench/Mutation -c Release -- [katas...] [--source solutions] [--workers 1|2] [--out artifacts/mutation]\n" +
        "       [--list] [--only <mutant-id>...] [--limit-minutes N] [--repo <repository>] [--include-given] [--fresh] [--no-rewrite]";

    public string Repository { get; private set; } = "";
    public List<string> Katas { get; } = [];
    public string Source { get; private set; } = "solutions";
    public int Workers { get; private set; } = 1;
    public string Out { get; private set; } = "";
    public bool List { get; private set; }
    public List<string> Only { get; } = [];
    public double? LimitMinutes { get; private set; }
    public bool IncludeGiven { get; private set; }
    public bool Fresh { get; private set; }

    /// <summary>For measuring only: grade without the Coyote rewrite, as Stryker.NET's in-memory mutants are graded.</summary>
    public bool NoRewrite { get; private set; }

    public static Options Parse(string[] args)
    {
        var options = new Options();
        var requested = new List<string>();
        string? outFolder = null;
        string? repository = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--source": options.Source = Next(); break;
                case "--workers": options.Workers = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--out": outFolder = Next(); break;
                case "--repo": repository = Next(); break;
                case "--list": options.List = true; break;
                case "--include-given": options.IncludeGiven = true; break;
                case "--fresh": options.Fresh = true; break;
                case "--no-rewrite": options.NoRewrite = true; break;
                case "--limit-minutes": options.LimitMinutes = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--only":
                    while (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    {
                        options.Only.Add(args[++i]);
                    }

                    break;
                case var flag when flag.StartsWith("--", StringComparison.Ordinal): throw new ArgumentException($"Unknown option {flag}.");
                default: requested.Add(args[i]); break;
            }
        }

        if (options.Workers is < 1 or > 8)
        {
            throw new ArgumentException("--workers is 1 or 2 on this project's 2-core machines.");
        }

        options.Repository = Path.GetFullPath(repository ?? FindRepository(Environment.CurrentDirectory));
        options.Out = Path.GetFullPath(outFolder ?? Path.Combine(options.Repository, "artifacts", "mutation"));
        var all = Directory.GetDirectories(Path.Combine(options.Repository, "graders"))
            .Select(Path.GetFileName).OfType<string>()
            .Where(name => name.Length > 3 && char.IsAsciiDigit(name[0]) && char.IsAsciiDigit(name[1]) && name[2] == '-')
            .Order(StringComparer.Ordinal).ToList();
        // A kata is named in full or by its number ("04"); mutant ids given to --only name their kata too.
        foreach (var name in requested.Count > 0 ? requested : options.Only.Count > 0 ? [] : all)
        {
            options.Katas.AddRange(all.Where(kata => kata == name || kata.StartsWith(name + "-", StringComparison.Ordinal)).Except(options.Katas));
        }

        if (options.Katas.Count == 0 && options.Only.Count > 0)
        {
            options.Katas.AddRange(all);
        }

        if (options.Katas.Count == 0)
        {
            throw new ArgumentException($"No kata matches {string.Join(' ', requested)}.");
        }

        Directory.CreateDirectory(options.Out);
        return options;
    }

    private static string FindRepository(string start)
    {
        for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Katas.sln")))
            {
                return folder.FullName;
            }
        }

        throw new ArgumentException("Not inside the katas repository (no Katas.sln above the current folder); pass --repo.");
    }
}

/// <summary>One kata: generate, compile, grade the reference (baseline), grade every mutant, report.</summary>
public sealed class KataRun(Options options, string kata, DateTime deadline)
{
    private readonly string _sourceRoot = Path.GetFullPath(Path.Combine(options.Repository, options.Source));
    private readonly Lock _gate = new();

    /// <returns>False when the baseline is broken or the kata could not be graded.</returns>
    public bool Run()
    {
        var clock = Stopwatch.StartNew();
        var kataFolder = Path.Combine(_sourceRoot, kata);
        var files = Directory.GetFiles(kataFolder, "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains("/bin/", StringComparison.Ordinal) && !path.Contains("/obj/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(path => new SourceFile(Path.GetRelativePath(kataFolder, path).Replace('\\', '/'), File.ReadAllText(path)))
            .ToList();
        // Files the stub hands out unchanged are given code, not the student's: the graders need not catch their mutants.
        var given = files.Where(file => !options.IncludeGiven && IsGiven(file)).Select(file => file.Path).ToHashSet(StringComparer.Ordinal);
        var mutants = MutantGenerator.Generate(files).Where(m => !given.Contains(m.File)).ToList();
        if (options.Only.Count > 0)
        {
            mutants = [.. mutants.Where(m => options.Only.Any(only => m.Id == only || m.Id.StartsWith(only, StringComparison.Ordinal) || $"{kata}/{m.Id}" == only))];
        }

        if (options.Only.Count > 0 && mutants.Count == 0)
        {
            return true;
        }

        if (options.List)
        {
            Console.WriteLine($"## {kata}: {mutants.Count} mutants ({string.Join(", ", given.Select(g => g + " given, not mutated"))})");
            foreach (var m in mutants)
            {
                Console.WriteLine($"{m.Id}  {m.Diff}");
            }

            return true;
        }

        var reportPath = Path.Combine(options.Out, kata + ".json");
        var report = new KataReport
        {
            Kata = kata,
            Repository = options.Repository,
            Commit = Git("rev-parse", "HEAD"),
            Source = options.Source,
            Fingerprint = Fingerprint(files),
            Machine = $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}",
            Started = DateTimeOffset.UtcNow,
            MutatedFiles = [.. files.Select(f => f.Path).Where(p => !given.Contains(p))],
            GivenFiles = [.. given],
        };
        var previous = options.Fresh ? null : KataReport.Load(reportPath);
        var reuse = previous is not null && previous.Fingerprint == report.Fingerprint && previous.Error is null
            ? previous.Mutants.Where(m => m.Status is Status.Killed or Status.Survived or Status.TimedOut or Status.Stillborn or Status.Equivalent)
                .ToDictionary(m => m.Id, StringComparer.Ordinal)
            : [];
        // Minutes are the kata's grading time over every run whose verdicts the report holds.
        var earlierMinutes = reuse.Count > 0 || (previous is not null && previous.Fingerprint == report.Fingerprint && options.Only.Count > 0) ? previous!.Minutes : 0;

        // --only grades its mutants again; the other verdicts of the kata stay as they were.
        foreach (var m in options.Only.Count > 0 ? mutants : [])
        {
            reuse.Remove(m.Id);
        }

        var equivalents = ReadEquivalents();
        report.Mutants = [.. mutants.Select(m => reuse.TryGetValue(m.Id, out var old) ? old : new MutantResult
        {
            Id = m.Id, Operator = m.Operator, ConMAn = m.ConMAn, File = m.File, Line = m.Line, Original = m.Original, Mutated = m.Mutated, Diff = m.Diff,
        })];
        // Results kept from an earlier run with a subset (--only) of this kata's mutants stay in the report.
        if (previous is not null && previous.Fingerprint == report.Fingerprint && options.Only.Count > 0)
        {
            report.Mutants = [.. previous.Mutants.Where(m => report.Mutants.All(n => n.Id != m.Id)).Concat(report.Mutants).OrderBy(m => m.File, StringComparer.Ordinal).ThenBy(m => m.Line)];
        }

        Console.WriteLine($"[{kata}] {mutants.Count} mutants of {string.Join(", ", report.MutatedFiles)}" +
                          (given.Count > 0 ? $" ({string.Join(", ", given)} given by the stub: not mutated)" : "") +
                          (reuse.Count > 0 ? $"; {mutants.Count(m => reuse.ContainsKey(m.Id))} verdicts reused from {reportPath}" : ""));

        var artifacts = Path.Combine(options.Out, "work", kata);
        var build = KataBuild.Create(options.Repository, kata, _sourceRoot, Path.Combine(artifacts, "build"), Console.Out);
        var sources = files.Select(f => new SourceFile(Path.Combine(kataFolder, f.Path), f.Text)).ToList();
        var reference = build.Compile(sources);
        if (!reference.Compiled)
        {
            throw new InvalidOperationException($"the reference does not compile in memory:\n{string.Join('\n', reference.Errors.Take(10))}");
        }

        var compiled = new Dictionary<string, CompiledKata>(StringComparer.Ordinal);
        foreach (var m in mutants)
        {
            var result = report.Mutants.First(r => r.Id == m.Id);
            if (result.Status != Status.NotRun)
            {
                continue;
            }

            var kataCode = build.Compile([.. sources.Select(s => Path.GetRelativePath(kataFolder, s.Path).Replace('\\', '/') == m.File ? s with { Text = m.ApplyTo(s.Text) } : s)]);
            if (kataCode.Compiled)
            {
                compiled[m.Id] = kataCode;
            }
            else
            {
                result.Status = Status.Stillborn;
                result.Message = kataCode.Errors[0];
            }
        }

        Console.WriteLine($"[{kata}] {report.Count(Status.Stillborn)} stillborn (do not compile); {compiled.Count} to grade, limit {Limit().TotalMinutes:0} min each" +
                          (!build.CoyoteRewrite ? ", no Coyote rewrite (the grader sets CoyoteRewrite=false)" : options.NoRewrite ? ", NOT rewritten by coyote (--no-rewrite)" : ", each rewritten by coyote"));

        var workers = Enumerable.Range(1, Math.Min(options.Workers, Math.Max(1, compiled.Count)))
            .Select(n => new GraderWorker(build, Path.Combine(artifacts, $"w{n}"), options.Repository, Limit()) { Rewrite = !options.NoRewrite }).ToList();
        var results = Path.Combine(artifacts, "results");
        var baseline = workers[0].Grade(reference, Path.Combine(results, "baseline"), 0);
        report.BaselineChecks = baseline.Checks;
        report.BaselineSeconds = Math.Round(baseline.Seconds, 1);
        // --no-rewrite measures what the graders make of code Coyote did not rewrite: its baseline fails, and that is
        // what is being measured.
        if (baseline.Status != Status.Survived && !options.NoRewrite)
        {
            report.Error = $"the unmutated reference does not pass its grader ({baseline.Status}: {string.Join(", ", baseline.FailingChecks)}): {baseline.Message}";
            Console.Error.WriteLine($"[{kata}] BASELINE BROKEN: {report.Error}");
            report.Minutes = Math.Round(earlierMinutes + clock.Elapsed.TotalMinutes, 1);
            report.Save(reportPath);
            return false;
        }

        Console.WriteLine($"[{kata}] baseline: all {baseline.Checks} checks pass ({baseline.Seconds:0.0} s)");
        var queue = new Queue<Mutant>(mutants.Where(m => compiled.ContainsKey(m.Id)));
        var done = report.Mutants.Count(m => m.Status != Status.NotRun);
        var threads = workers.Select(worker => new Thread(() =>
        {
            while (true)
            {
                Mutant? next;
                lock (_gate)
                {
                    if (!queue.TryDequeue(out next) || DateTime.UtcNow > deadline)
                    {
                        return;
                    }
                }

                var outcome = worker.Grade(compiled[next.Id], Path.Combine(results, SafeName(next.Id)), baseline.Checks);
                lock (_gate)
                {
                    var result = report.Mutants.First(r => r.Id == next.Id);
                    result.Status = outcome.Status;
                    result.FailingChecks = [.. outcome.FailingChecks];
                    result.Message = outcome.Message;
                    result.Seconds = Math.Round(outcome.Seconds, 1);
                    done++;
                    Console.WriteLine($"[{kata} {done}/{report.Mutants.Count}] {outcome.Status,-9} {outcome.Seconds,5:0.0}s {next.Id}  {next.Diff}" +
                                      (outcome.FailingChecks.Count > 0 ? $"  ({string.Join(", ", outcome.FailingChecks)})" : ""));
                    report.Minutes = Math.Round(earlierMinutes + clock.Elapsed.TotalMinutes, 1);
                    report.Save(reportPath);
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        ApplyEquivalents(report, equivalents);
        report.Minutes = Math.Round(earlierMinutes + clock.Elapsed.TotalMinutes, 1);
        report.Save(reportPath);
        Console.WriteLine($"[{kata}] {report.Count(Status.Killed)} killed, {report.Count(Status.TimedOut)} timed out, {report.Count(Status.Survived)} survived, " +
                          $"{report.Count(Status.Equivalent)} equivalent, {report.Count(Status.Stillborn)} stillborn, {report.Count(Status.NotRun) + report.Count(Status.Error)} not graded; " +
                          $"score {(report.Score is { } s ? s.ToString("P1", CultureInfo.InvariantCulture) : "-")}, {report.Minutes:0.0} min");
        return true;
    }

    private TimeSpan Limit()
    {
        using var points = JsonDocument.Parse(File.ReadAllText(Path.Combine(options.Repository, "graders", "points.json")),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        return TimeSpan.FromMinutes(points.RootElement.GetProperty("katas").GetProperty(kata).GetProperty("timeoutMinutes").GetDouble());
    }

    private bool IsGiven(SourceFile file)
    {
        var stub = Path.Combine(options.Repository, "exercises", kata, file.Path);
        return File.Exists(stub) && File.ReadAllText(stub) == file.Text;
    }

    private Dictionary<string, string> ReadEquivalents()
    {
        var path = Path.Combine(options.Repository, "graders", kata, "Fixtures", "equivalent-mutants.json");
        if (!File.Exists(path))
        {
            return [];
        }

        return JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path),
            new JsonSerializerOptions { ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) ?? [];
    }

    /// <summary>Listed survivors count as equivalent; a listed id that is gone, or is now killed, is reported as stale.</summary>
    public static void ApplyEquivalents(KataReport report, IReadOnlyDictionary<string, string> equivalents)
    {
        report.StaleEquivalents = [];
        foreach (var (id, reason) in equivalents)
        {
            var mutant = report.Mutants.FirstOrDefault(m => m.Id == id);
            if (mutant is null)
            {
                report.StaleEquivalents.Add(new StaleEquivalent { Id = id, Reason = reason, Problem = "no such mutant any more" });
            }
            else if (mutant.Status is Status.Survived or Status.Equivalent)
            {
                mutant.Status = Status.Equivalent;
                mutant.EquivalentReason = reason;
            }
            else if (mutant.Status != Status.NotRun)
            {
                report.StaleEquivalents.Add(new StaleEquivalent { Id = id, Reason = reason, Problem = $"the mutant is {mutant.Status} now" });
            }
        }
    }

    private string Fingerprint(IReadOnlyList<SourceFile> files)
    {
        var graders = Path.Combine(options.Repository, "graders");
        var inputs = Directory.GetFiles(Path.Combine(graders, kata), "*", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(Path.Combine(graders, "Katas.Grading"), "*", SearchOption.AllDirectories))
            .Where(path => !path.Contains("/bin/", StringComparison.Ordinal) && !path.Contains("/obj/", StringComparison.Ordinal) && !path.Contains("/Fixtures/", StringComparison.Ordinal))
            .Concat(Directory.GetFiles(graders, "*.targets")).Concat(Directory.GetFiles(graders, "*.props"))
            .Order(StringComparer.Ordinal);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var path in inputs)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetRelativePath(options.Repository, path) + "\n"));
            hash.AppendData(File.ReadAllBytes(path));
        }

        foreach (var file in files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(file.Path + "\n" + file.Text));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }

    private string Git(params string[] args)
    {
        var run = ProcessRunner.Run("git", args, options.Repository, TimeSpan.FromSeconds(30));
        return run.ExitCode == 0 ? run.Output.Trim() : "";
    }

    private static string SafeName(string id) =>
        string.Concat(id.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_'));
}
