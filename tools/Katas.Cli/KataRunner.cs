namespace Katas.Cli;

/// <summary>
/// Builds one kata's grader against some graded code and runs it, the way `dotnet test` would, within the kata's
/// time limit, and turns what happened into a <see cref="KataVerdict"/>. Build and test are two commands so that
/// a compile error is told apart from a failing check, and so that the time each takes can be reported.
/// </summary>
/// <param name="commands">Where the build and the checks run: in the sandbox for a batch; directly when null.</param>
public sealed partial class KataRunner(KataRepository repository, PointsConfig points, GradedCommands? commands = null)
{
    private readonly GradedCommands _commands = commands ?? GradedCommands.Direct;
    private bool _toolsRestored;

    [System.Text.RegularExpressions.GeneratedRegex(@"^\s+(?<outcome>Passed|Failed|Skipped)\s+(?<name>\S+)")]
    private static partial System.Text.RegularExpressions.Regex CheckLine();

    /// <param name="codeRoot">A folder laid out like exercises/ (the graders' KataSource).</param>
    /// <param name="resultsDirectory">Where the run's TRX file goes (created if needed).</param>
    /// <param name="restore">False when the workspace was restored already (saves a few seconds a run).</param>
    /// <param name="build">False when every grader was built against this code already (GitHub Classroom's one build
    /// step): the build is skipped when the grader's assembly is there, and run (to report its errors) when it is not.</param>
    /// <param name="built">Called once the build succeeded, before the checks run the code.</param>
    /// <param name="checkDone">Called with each check's name and whether it passed, as the test host reports it.</param>
    public KataVerdict Run(string kata, string codeRoot, string resultsDirectory, bool restore, bool build = true, Action? built = null,
        Action<string, bool>? checkDone = null)
    {
        var limits = points.For(kata);
        var limit = TimeSpan.FromMinutes(limits.TimeoutMinutes);
        var project = repository.GraderProject(kata);
        var source = $"-p:KataSource={Path.GetFullPath(codeRoot).TrimEnd('/', '\\')}/";

        List<string> buildArguments = ["build", project, source, "-nologo", "-v:q", "-clp:NoSummary"];
        CommandResult? restoreRun = null;
        if (restore && _commands.Sandbox is not null)
        {
            // Outside the sandbox, which reads the NuGet folders but may not write them: a restore evaluates only the
            // teacher's project files (a submission brings *.cs files alone) and runs none of the submitted code.
            // The local tools too (Coyote's rewriter): restored in there, they would be forgotten with the sandbox's home.
            // Once per worker: the tools do not change between katas.
            var tools = _toolsRestored ? null : DotnetCommand.Run(["tool", "restore"], repository.Root, limit);
            _toolsRestored |= tools is { ExitCode: 0 };
            restoreRun = tools is { ExitCode: not 0 } failed ? failed
                : DotnetCommand.Run(["restore", project, source, "-nologo", "-v:q"], repository.Root, limit);
        }

        if (!restore || restoreRun is not null)
        {
            buildArguments.Add("--no-restore");
        }

        var graderOut = Path.GetDirectoryName(BuiltGrader(kata))!;
        CommandResult buildRun;
        if (!build && File.Exists(BuiltGrader(kata)))
        {
            buildRun = new CommandResult(0, false, "", TimeSpan.Zero);
        }
        else if (restoreRun is { ExitCode: not 0 } or { TimedOut: true })
        {
            buildRun = restoreRun;
        }
        else if (build && KataFastBuild.TryBuild(graderOut, Path.Combine(codeRoot, kata), limit, _commands).Build is { } fast)
        {
            buildRun = fast;
        }
        else
        {
            KataFastBuild.Forget(graderOut);
            buildRun = _commands.Build([.. buildArguments, .. _commands.BuildProperties], repository.Root, limit, readOnly: PackageFolders(project));
        }

        if (buildRun is { ExitCode: 0, TimedOut: false })
        {
            built?.Invoke();
        }

        return Test(kata, codeRoot, resultsDirectory, limits, limit, buildRun, checkDone) with { Sandboxed = _commands.Sandbox is not null };
    }

    /// <summary>Where `dotnet build` puts the kata's grader assembly (the Debug configuration, as students build).</summary>
    public string BuiltGrader(string kata)
    {
        var project = repository.GraderProject(kata);
        return Path.Combine(repository.Root, Path.GetDirectoryName(project)!, "bin", "Debug", "net10.0", Path.GetFileNameWithoutExtension(project) + ".dll");
    }

    private KataVerdict Test(string kata, string codeRoot, string resultsDirectory, KataPoints limits, TimeSpan limit, CommandResult build, Action<string, bool>? checkDone)
    {
        var sandbox = _commands.Sandbox;
        if (build.OverLimit is { } buildOver)
        {
            return OverLimit(kata, limits, buildOver, "building it", sandbox!, build, null, []);
        }

        if (build.TimedOut)
        {
            return KataVerdict.Without(kata, KataState.TimedOut, limits.Points,
                $"timed out: building took longer than the kata's {limits.TimeoutMinutes} min", Tail(build.Output), build.Duration);
        }

        if (build.ExitCode != 0)
        {
            return NotCompiled(kata, limits.Points, build, codeRoot);
        }

        Directory.CreateDirectory(resultsDirectory);
        var trx = Path.Combine(resultsDirectory, $"{kata}.trx");
        File.Delete(trx);
        var testLimit = limit - build.Duration > TimeSpan.FromMinutes(1) ? limit - build.Duration : TimeSpan.FromMinutes(1);
        // VSTest's blame collector names the check that was running when the test host hung or died; a check that
        // is silent for 60% of the run's time is taken as hung (no grader check legitimately takes that long).
        var hang = TimeSpan.FromSeconds(Math.Max(30, (int)(testLimit.TotalSeconds * 0.6)));
        // The built assembly, not the project: `dotnet test <project> --no-build` spends ~0.7 s (quiet machine; more under
        // load) evaluating the project in MSBuild only to find the assembly that was just built here.
        var test = _commands.Dotnet(
            ["test", BuiltGrader(kata), "--settings", repository.GraderRunSettings, "--logger", $"trx;LogFileName={kata}.trx", "--results-directory", resultsDirectory,
             "--blame", "--blame-hang-timeout", $"{(int)hang.TotalSeconds}s", "--blame-hang-dump-type", "none",
             // One line per finished check ("  Passed Name [12 ms]"), for the progress of `katas grade`.
             "--logger", "console;verbosity=normal"],
            repository.Root,
            testLimit,
            line: checkDone is null ? null : text =>
            {
                if (CheckLine().Match(text) is { Success: true } check)
                {
                    checkDone(check.Groups["name"].Value, check.Groups["outcome"].Value == "Passed");
                }
            });
        var checks = File.Exists(trx)
            ? [.. TrxFile.Read(trx).OrderBy(check => check.Name, StringComparer.Ordinal).Select(check => check with { Message = Tidy(check.Message, codeRoot), Output = Tidy(check.Output, codeRoot) })]
            : new List<GraderTestResult>();

        var running = RunningCheck(test.Output);
        if (test.OverLimit is { } over)
        {
            return OverLimit(kata, limits, over, running ?? "its checks", sandbox!, build, test, checks);
        }

        if (test.Output.Contains("The specified inactivity time", StringComparison.Ordinal))
        {
            return KataVerdict.Without(kata, KataState.TimedOut, limits.Points,
                $"timed out: {running ?? "a check"} did not finish in {(int)hang.TotalSeconds} s; is something waiting forever, or spinning?",
                Tail(test.Output), build.Duration, test.Duration, checks);
        }

        if (test.TimedOut)
        {
            var finished = checks.Count == 0 ? "" : $" ({checks.Count} checks had finished)";
            return KataVerdict.Without(kata, KataState.TimedOut, limits.Points,
                $"timed out: the checks did not finish within the kata's {limits.TimeoutMinutes} min{finished}; is something waiting forever, or spinning?",
                Tail(test.Output), build.Duration, test.Duration);
        }

        if (checks.Count == 0 || WasAborted(test.Output))
        {
            return KataVerdict.Without(kata, KataState.Crashed, limits.Points,
                $"crashed: the grader's test process ended {(running is null ? "" : $"during {running} ")}before its checks did (Environment.Exit? an exception escaping a thread you started?)",
                Tail(test.Output), build.Duration, test.Duration, checks);
        }

        return Scoring.Verdict(kata, limits.Points, checks, build.Duration, test.Duration);
    }

    /// <summary>The run went over one of the sandbox's limits and was stopped at once: 0 points, and which limit, in numbers.</summary>
    private static KataVerdict OverLimit(string kata, KataPoints limits, string over, string during, Sandbox sandbox, CommandResult build, CommandResult? test, List<GraderTestResult> checks)
    {
        var limit = over == "process limit" ? $"{sandbox.Limits.Processes} processes and threads at once" : $"{sandbox.Limits.MemoryBytes >> 20} MiB of memory";
        // A build runs none of the submitted code (the compiler only reads it): the code did not do it, compiling it did.
        var what = test is null ? $"compiling your code went over {limit}; tell your teacher"
            : over == "process limit" ? $"your code started more than {limit} (a loop that starts processes or threads without waiting for them?)"
            : $"your code used more than {limit} and was killed (a collection that only grows?)";
        return KataVerdict.Without(kata, KataState.OverLimit, limits.Points, $"stopped at the {over}: during {during}, {what}",
            Tail((test ?? build).Output), build.Duration, test?.Duration ?? TimeSpan.Zero, checks);
    }

    /// <summary>The NuGet folders the grader's restore recorded (obj/project.assets.json), which its build reads.</summary>
    private string[] PackageFolders(string project)
    {
        var assets = Path.Combine(repository.Root, Path.GetDirectoryName(project)!, "obj", "project.assets.json");
        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(assets));
            return json.RootElement.TryGetProperty("packageFolders", out var folders)
                ? [.. folders.EnumerateObject().Select(folder => Path.TrimEndingDirectorySeparator(folder.Name))]
                : [];
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException)
        {
            return [];
        }
    }

    private KataVerdict NotCompiled(string kata, int maxScore, CommandResult build, string codeRoot)
    {
        var errors = CompilerErrors.From(build.Output, Path.GetFullPath(codeRoot), repository.Root);
        if (errors.Count == 0)
        {
            return KataVerdict.Without(kata, KataState.DoesNotCompile, maxScore, "the build failed", Tail(build.Output), build.Duration);
        }

        var advice = errors.Any(CompilerErrors.InGrader)
            ? "\nThe grader itself no longer compiles against your code: keep the names and signatures the stub gave you."
            : "";
        return KataVerdict.Without(kata, KataState.DoesNotCompile, maxScore,
            $"does not compile ({errors.Count} error{(errors.Count == 1 ? "" : "s")})",
            string.Join('\n', errors.Take(20)) + advice, build.Duration);
    }

    /// <summary>
    /// Paths in the graders' messages as the student knows them: the graded copy is their exercises/ folder, the
    /// grading workspace is the repository.
    /// </summary>
    private string Tidy(string text, string codeRoot) => text
        .Replace(Path.GetFullPath(codeRoot).TrimEnd('/', '\\') + "/", "exercises/", StringComparison.Ordinal)
        .Replace(repository.Root.TrimEnd('/', '\\') + "/", "", StringComparison.Ordinal);

    /// <summary>The check VSTest's blame collector saw running when the test host hung or died.</summary>
    private static string? RunningCheck(string output)
    {
        const string Marker = "The test running when the crash occurred:";
        var at = output.IndexOf(Marker, StringComparison.Ordinal);
        var name = at < 0 ? "" : output[(at + Marker.Length)..].TrimStart().Split('\n')[0].Trim();
        return name.Length == 0 ? null : name[(name.LastIndexOf('.') + 1)..];
    }

    private static bool WasAborted(string output) =>
        output.Contains("Test Run Aborted", StringComparison.Ordinal)
        || output.Contains("The active test run was aborted", StringComparison.Ordinal)
        || output.Contains("Test host process crashed", StringComparison.Ordinal);

    private static string Tail(string output)
    {
        const int Length = 3000;
        return output.Length <= Length ? output : "[...]\n" + output[^Length..];
    }
}
