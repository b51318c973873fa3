namespace Katas.Cli;

/// <param name="Build">The compile and rewrite, as one command's result; null when only a full build can do it.</param>
/// <param name="Declined">Why the fast path gave the run to a full build (null when it built).</param>
public sealed record FastBuildResult(CommandResult? Build, string? Declined);

/// <summary>
/// The next submission of a kata, built without MSBuild where a grader was built before: its files are compiled with the
/// compiler arguments of the last build (recorded by graders/Kata.Code.targets), through the SDK's compiler server, and
/// only the kata's assembly is copied and rewritten for Coyote; the grader and the grading library stay as built.
/// Measured on kata 04 (2 cores): 1.2 s against 5.1 s for `dotnet build` with the compiler server and 8.5-9.9 s without.
/// It builds only when the result is the one a full build would give (the suite compares the bytes): the same code folder
/// (its path is compiled into the assembly), the last compile went with the twins, the code compiles, and its public
/// surface (the reference assembly the grader was compiled against) is unchanged. Anything else — a compile error to
/// report, a twin to leave out, a grader to recompile — is declined and left to MSBuild, the one place that knows how.
/// </summary>
public static class KataFastBuild
{
    /// <summary>Written by graders/Kata.Grader.targets next to the grader's assembly after a whole, successful build.</summary>
    public const string BuildRecord = "kata-build.txt";

    /// <summary>KATAS_FAST_BUILD=0 builds every run with MSBuild (bench/batch-grading.sh measures both ways).</summary>
    private static bool Enabled => Environment.GetEnvironmentVariable("KATAS_FAST_BUILD") != "0";

    /// <summary>Forgets the last build: call before a full build, so that one cut short leaves no record behind.</summary>
    public static void Forget(string graderOutDir)
    {
        if (Directory.Exists(graderOutDir))
        {
            File.Delete(Path.Combine(graderOutDir, BuildRecord));
        }
    }

    /// <summary>
    /// Builds the code of <paramref name="kataDir"/> the fast way, or declines; a declined build leaves no record behind
    /// (<see cref="Forget"/>), since the full build that follows writes it again.
    /// </summary>
    /// <param name="graderOutDir">The grader's output folder (bin/Debug/net10.0, or the artifacts path's bin/&lt;project&gt;/debug).</param>
    /// <param name="kataDir">The folder of the code to build (KataSource/&lt;kata&gt;).</param>
    /// <param name="commands">Where the compiler and the rewriter run (the sandbox, in a batch); directly when null.</param>
    public static FastBuildResult TryBuild(string graderOutDir, string kataDir, TimeSpan limit, GradedCommands? commands = null)
    {
        var result = Enabled ? Build(graderOutDir, kataDir, limit, commands ?? GradedCommands.Direct) : Declined("KATAS_FAST_BUILD=0");
        if (result.Build is null)
        {
            Forget(graderOutDir);
        }

        return result;
    }

    private static FastBuildResult Build(string graderOutDir, string kataDir, TimeSpan limit, GradedCommands commands)
    {
        var recordPath = Path.Combine(graderOutDir, BuildRecord);
        if (!File.Exists(recordPath))
        {
            return Declined("no earlier build of this grader here");
        }

        var record = File.ReadAllLines(recordPath);
        var build = Facts(record);
        if (!build.TryGetValue("compile", out var compilePath) || !File.Exists(compilePath))
        {
            return Declined("the earlier build recorded no kata compile");
        }

        var compile = Facts(File.ReadAllLines(compilePath));
        var recordedDir = compile.GetValueOrDefault("kataDir", "");
        kataDir = Path.TrimEndingDirectorySeparator(Path.GetFullPath(kataDir)) + Path.DirectorySeparatorChar;
        if (!string.Equals(Path.GetFullPath(recordedDir), kataDir, StringComparison.Ordinal))
        {
            return Declined($"the earlier build compiled another folder ({recordedDir})");
        }

        if (compile.GetValueOrDefault("twinsFallback") == "true" || !compile.ContainsKey("twinsDir"))
        {
            return Declined("the earlier build went without the twins");
        }

        // The files MSBuild's Compile glob takes ($(KataDir)**/*.cs without bin/ and obj/), as a submission's sources are read.
        var sources = new Submission(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(kataDir))!)
            .SourcesOf(Path.GetFileName(Path.TrimEndingDirectorySeparator(kataDir)))
            .Select(source => Path.Combine(kataDir, source)).ToList();
        var arguments = Arguments(File.ReadAllLines(compile["rsp"]), kataDir, sources);
        if (sources.Count == 0 || arguments is null)
        {
            return Declined("no C# files to compile, or none recorded");
        }

        // From here on the outputs change: until they are all in place, no record says they are.
        File.Delete(recordPath);
        var rsp = Path.Combine(Path.GetDirectoryName(compile["rsp"])!, "kata-fast.rsp");
        File.WriteAllLines(rsp, arguments);
        // -shared: the SDK's compiler server, warm after the first build (0.4-0.5 s for kata 04, 2.3 s for a fresh csc); in
        // the sandbox, the worker's own (CompilerServer).
        string[] shared = commands.SharedCompilation is { } server ? [server] : [];
        var csc = commands.Build(["exec", compile["csc"], "-noconfig", .. shared, "@" + rsp], compile["project"], limit);
        if (csc.TimedOut || csc.ExitCode != 0)
        {
            return Declined("the code does not compile as recorded (MSBuild reports why)");
        }

        if (!File.ReadAllBytes(compile["refint"]).AsSpan().SequenceEqual(File.ReadAllBytes(compile["ref"])))
        {
            return Declined("its public types or members differ from what the grader was compiled against");
        }

        var outputs = new List<string> { Path.GetDirectoryName(compilePath)!, build["outDir"] };
        var rewrite = build.GetValueOrDefault("rewrite") == "true";
        if (rewrite)
        {
            outputs.Add(Path.Combine(build["outDir"], "unrewritten"));
        }

        foreach (var folder in outputs)
        {
            File.Copy(compile["assembly"], Path.Combine(folder, Path.GetFileName(compile["assembly"])), overwrite: true);
            File.Copy(compile["pdb"], Path.Combine(folder, Path.GetFileName(compile["pdb"])), overwrite: true);
        }

        var output = csc.Output;
        var duration = csc.Duration;
        if (rewrite)
        {
            // Only the kata's assembly: rewritten alone, its bytes equal those of the build that rewrites all three
            // (measured on kata 04); the grader's and the library's rewritten assemblies stay.
            var config = Path.Combine(Path.GetDirectoryName(compile["rsp"])!, "kata-fast.coyote.json");
            File.WriteAllText(config, System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["AssembliesPath"] = build["outDir"],
                ["Assemblies"] = new[] { Path.GetFileName(compile["assembly"]) },
            }));
            var coyote = commands.Build(["coyote", "rewrite", config], build["repoRoot"], limit - duration, s_coyoteEnvironment);
            if (coyote.TimedOut || coyote.ExitCode != 0)
            {
                return Declined("coyote rewrite failed:\n" + coyote.Output);
            }

            output += coyote.Output;
            duration += coyote.Duration;
        }

        File.WriteAllLines(recordPath, record);
        return new FastBuildResult(new CommandResult(0, false, output, duration), null);
    }

    private static readonly Dictionary<string, string> s_coyoteEnvironment = new()
    {
        // Coyote 1.7.11's CLI targets .NET 8 (see graders/Kata.Grader.targets).
        ["DOTNET_ROLL_FORWARD"] = "Major",
        ["COYOTE_CLI_TELEMETRY_OPTOUT"] = "1",
    };

    private static FastBuildResult Declined(string why) => new(null, why);

    private static Dictionary<string, string> Facts(IEnumerable<string> lines) => lines
        .Select(line => line.Split('=', 2))
        .Where(pair => pair.Length == 2)
        .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);

    /// <summary>The recorded arguments with the recorded student files replaced by <paramref name="sources"/>, in their place.</summary>
    private static List<string>? Arguments(IEnumerable<string> recorded, string kataDir, IReadOnlyList<string> sources)
    {
        var arguments = new List<string>();
        var replaced = false;
        foreach (var argument in recorded)
        {
            var path = argument.Trim('"');
            if (path.StartsWith(kataDir, StringComparison.Ordinal) && path.EndsWith(".cs", StringComparison.Ordinal))
            {
                if (!replaced)
                {
                    // Quoted, as MSBuild quotes a path with a space or a comma in it (the compiler reads the same path).
                    arguments.AddRange(sources.Select(source => $"\"{source}\""));
                    replaced = true;
                }
            }
            else if (argument != "/noconfig")
            {
                // /noconfig is a command-line-only option (it goes on the command line above).
                arguments.Add(argument);
            }
        }

        return replaced ? arguments : null;
    }
}
