using System.Collections;

namespace Katas.Cli;

/// <summary>`--sandbox`: bubblewrap when it is installed (the default), always (an error when it is not), or never.</summary>
public enum SandboxMode
{
    Auto,
    None,
    Bwrap,
}

/// <summary>
/// Runs a graded command (a submission's build, its checks) inside bubblewrap, the unprivileged sandbox Flatpak runs
/// its apps in. What the command sees: the system (/usr, a few files of /etc) and the .NET SDK and NuGet packages,
/// read-only; the folders it is given as writable (the worker's workspace, its code and results), and a private /tmp;
/// nothing else: not the teacher's home, repository, output folder or the other submissions. Its network is its own,
/// with only a loopback interface (the HTTP servers of katas 03 and 12 run in there with it). Its processes are in a PID
/// namespace of their own and die with the run; the environment is cleared to a list of harmless variables (no tokens);
/// and a control group of its own (<see cref="RunCgroup"/>) caps its processes and its memory, where groups can be made.
/// </summary>
public sealed class Sandbox
{
    private const string InstallAdvice = "install it with `sudo apt install bubblewrap` (Debian, Ubuntu) or `sudo dnf install bubblewrap` (Fedora)";

    private readonly string _bwrap;
    private readonly IReadOnlyList<string> _readOnly;

    private Sandbox(string bwrap, SandboxLimits limits, bool limitsEnforced)
    {
        _bwrap = bwrap;
        Limits = limits;
        LimitsEnforced = limitsEnforced;
        DotnetFolder = DotnetRoot();
        _readOnly = [.. new[] { DotnetFolder, NuGetPackages() }.OfType<string>().Where(Directory.Exists).Distinct()];
    }

    public SandboxLimits Limits { get; }

    /// <summary>Where `dotnet` is installed (its sdk/ folder holds the compiler server).</summary>
    public string? DotnetFolder { get; }

    /// <summary>False where control groups cannot be made (not root, no delegation): isolated, but without the two limits.</summary>
    public bool LimitsEnforced { get; }

    /// <summary>One line for the summary: what the runs are inside of.</summary>
    public string Description =>
        "bubblewrap: read-only system and SDK, no view of the teacher's files or other submissions, loopback-only network, "
        + (LimitsEnforced ? Limits.Describe() : "no process or memory limit (control groups are not writable here: run as root to have them)");

    /// <summary>
    /// The sandbox of <paramref name="mode"/>: null for None, and for Auto when bubblewrap is not installed or does not work
    /// here (<paramref name="why"/> says why). Bwrap without a working bubblewrap is a <see cref="UsageException"/>.
    /// </summary>
    /// <param name="bwrap">The bubblewrap program; by default the `bwrap` on PATH.</param>
    public static Sandbox? For(SandboxMode mode, out string? why, SandboxLimits? limits = null, string? bwrap = null)
    {
        why = null;
        if (mode == SandboxMode.None)
        {
            why = "--sandbox none";
            return null;
        }

        bwrap = bwrap is null ? FindOnPath("bwrap") : File.Exists(bwrap) ? bwrap : null;
        why = bwrap is null ? $"bubblewrap (bwrap) is not installed: {InstallAdvice}" : Probe(bwrap);
        if (why is not null)
        {
            return mode == SandboxMode.Bwrap ? throw new UsageException($"--sandbox bwrap: {why}") : null;
        }

        return new Sandbox(bwrap!, limits ?? SandboxLimits.Default, RunCgroup.Available);
    }

    /// <summary>
    /// Runs <paramref name="program"/> in the sandbox, with <see cref="DotnetCommand"/>'s time limit and capped output; stopped
    /// at once when it goes over a limit (<see cref="CommandResult.OverLimit"/>).
    /// </summary>
    /// <param name="writable">Folders it may write (created if missing); everything else it sees is read-only.</param>
    /// <param name="readOnly">More folders it may read (the NuGet folders a restore recorded, say).</param>
    /// <param name="tmp">A folder to be its /tmp (a worker's builds share one with its <see cref="CompilerServer"/>); a
    /// fresh, empty /tmp when null.</param>
    public CommandResult Run(string program, IReadOnlyList<string> arguments, string workingDirectory, TimeSpan limit,
        IReadOnlyList<string> writable, IReadOnlyList<string>? readOnly = null, IReadOnlyDictionary<string, string>? environment = null,
        Action<string>? line = null, string? tmp = null)
    {
        var inside = Arguments(program, arguments, workingDirectory, writable, readOnly ?? [], environment, tmp);
        using var group = LimitsEnforced ? RunCgroup.TryCreate(Limits) : null;
        if (group is null)
        {
            return DotnetCommand.Run(_bwrap, inside, workingDirectory, limit, line: line);
        }

        group.Label = string.Join(' ', arguments.Take(2).Select(Path.GetFileName));
        // The first process joins the group and becomes bubblewrap; everything the run starts is then in the group.
        var join = string.Join(" && ", group.Folders.Select((_, i) => $"echo $$ > \"${i + 1}/cgroup.procs\""));
        List<string> wrapped = ["-c", $"{join} && shift {group.Folders.Count} && exec \"$@\"", "katas-sandbox", .. group.Folders, _bwrap, .. inside];
        using var stop = new CancellationTokenSource();
        string? over = null;
        using var watch = new Timer(_ =>
        {
            if (over is null && group.OverLimit() is { } hit)
            {
                over = hit;
                stop.Cancel();
            }
        }, null, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(200));
        var result = DotnetCommand.Run("/bin/sh", wrapped, workingDirectory, limit, line: line, stop: stop.Token);
        watch.Dispose();
        over ??= group.OverLimit();
        return over is null ? result : result with { OverLimit = over };
    }

    /// <summary>
    /// Starts <paramref name="program"/> in the sandbox and returns at once (a worker's <see cref="CompilerServer"/>): no
    /// time limit and no control group; it dies with this process, or when killed.
    /// </summary>
    public System.Diagnostics.Process Start(string program, IReadOnlyList<string> arguments, string workingDirectory,
        IReadOnlyList<string> writable, string tmp)
    {
        var start = new System.Diagnostics.ProcessStartInfo(_bwrap, Arguments(program, arguments, workingDirectory, writable, [], null, tmp))
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = System.Diagnostics.Process.Start(start) ?? throw new InvalidOperationException($"Could not start {_bwrap}.");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private List<string> Arguments(string program, IReadOnlyList<string> arguments, string workingDirectory,
        IReadOnlyList<string> writable, IReadOnlyList<string> readOnly, IReadOnlyDictionary<string, string>? environment, string? tmp)
    {
        foreach (var folder in writable.Append(tmp).OfType<string>())
        {
            Directory.CreateDirectory(folder);
        }

        List<string> args =
        [
            // A PID namespace of its own whose first process dies with the run: when it goes, the kernel kills every
            // process of the namespace, forks of forks included. A session of its own: no writing into the teacher's terminal.
            "--die-with-parent", "--new-session", "--unshare-all", "--cap-drop", "ALL",
            "--ro-bind", "/usr", "/usr",
        ];

        foreach (var top in new[] { "bin", "sbin", "lib", "lib32", "lib64", "libx32" }.Select(name => "/" + name))
        {
            if (new DirectoryInfo(top) is { Exists: true } info)
            {
                args.AddRange(info.LinkTarget is { } target ? ["--symlink", target, top] : ["--ro-bind", top, top]);
            }
        }

        // Only what a .NET build and test need of /etc (names, hosts for localhost, the loader's cache, time zone, the
        // distribution for the runtime's RID); not the rest, which can hold a machine's secrets.
        foreach (var file in new[] { "passwd", "group", "hosts", "nsswitch.conf", "host.conf", "gai.conf", "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "timezone", "os-release", "ssl", "alternatives" })
        {
            args.AddRange(["--ro-bind-try", "/etc/" + file, "/etc/" + file]);
        }

        args.AddRange(["--proc", "/proc", "--dev", "/dev", .. tmp is null ? ["--tmpfs", "/tmp"] : new[] { "--bind", Path.GetFullPath(tmp), "/tmp" }]);
        foreach (var folder in _readOnly.Concat(readOnly).Where(Directory.Exists).Distinct().Where(folder => !folder.StartsWith("/usr/", StringComparison.Ordinal)))
        {
            args.AddRange(["--ro-bind", folder, folder]);
        }

        // Where `dotnet` finds the local tools restored outside (Coyote's rewriter, by the tool manifest): without it, the
        // sandbox's fresh home sends `dotnet coyote` to "Run dotnet tool restore", which it cannot (read-only NuGet folder).
        if (ToolResolverCache() is { } tools)
        {
            args.AddRange(["--ro-bind", tools, "/tmp/home/.dotnet/toolResolverCache"]);
        }

        foreach (var folder in writable.Select(Path.GetFullPath).Distinct())
        {
            args.AddRange(["--bind", folder, folder]);
        }

        // Nothing else is writable: the sandbox's own root (where the folders above were made) included.
        args.AddRange(["--remount-ro", "/", "--chdir", Path.GetFullPath(workingDirectory), "--clearenv"]);
        foreach (var (name, value) in Environment(environment))
        {
            args.AddRange(["--setenv", name, value]);
        }

        args.AddRange(["--", program, .. arguments]);
        return args;
    }

    /// <summary>
    /// The variables the sandbox gets: the locale, PATH, the .NET and Coyote settings (never MSBuild's or a test session's of
    /// a parent `dotnet test`), the command's own; and a home, a CLI home and a temp folder in the private /tmp.
    /// Everything else (tokens, keys, the teacher's paths) stays out.
    /// </summary>
    private Dictionary<string, string> Environment(IReadOnlyDictionary<string, string>? extra)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            var name = (string)entry.Key;
            if ((name is "PATH" or "LANG" or "TZ" || name.StartsWith("LC_", StringComparison.Ordinal) || name.StartsWith("DOTNET_", StringComparison.Ordinal)
                 || name.StartsWith("COYOTE_", StringComparison.Ordinal) || name == "NUGET_CERT_REVOCATION_MODE")
                && !DotnetCommand.IsInheritedBuildSetting(name))
            {
                variables[name] = (string?)entry.Value ?? "";
            }
        }

        foreach (var (name, value) in DotnetCommand.BaseEnvironment.Concat(extra ?? new Dictionary<string, string>()))
        {
            variables[name] = value;
        }

        variables["HOME"] = "/tmp/home";
        variables["DOTNET_CLI_HOME"] = "/tmp/home";
        variables["TMPDIR"] = "/tmp";
        // In a fresh home every command would check the SDK's workloads again and print "An issue was encountered
        // verifying workloads" at the top of every student's output.
        variables["DOTNET_SKIP_WORKLOAD_INTEGRITY_CHECK"] = "true";
        // .NET's GC throws OutOfMemoryException at 75% of a control group's limit (measured: a hoard stopped at 368 of 512
        // MiB), which the group's counters never see. With the GC's own limit far above (1 TiB), a hoard meets the group's
        // limit, the kernel kills it there, and the run is told "memory limit" (a check that caught the exception would
        // have been told nothing).
        variables["DOTNET_GCHeapHardLimit"] = "0x10000000000";
        // An MSBuild server started in there would die with the build: every build would pay for starting one.
        variables["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        if (NuGetPackages() is { } packages)
        {
            variables["NUGET_PACKAGES"] = packages;
        }

        return variables;
    }

    private static string? ToolResolverCache()
    {
        var home = System.Environment.GetEnvironmentVariable("DOTNET_CLI_HOME") is { Length: > 0 } cliHome ? cliHome
            : System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile);
        var cache = Path.Combine(home, ".dotnet", "toolResolverCache");
        return Directory.Exists(cache) ? cache : null;
    }

    /// <summary>Where `dotnet` lives (its SDKs and runtimes), when it is not under /usr.</summary>
    private static string? DotnetRoot() =>
        System.Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } root ? root
        : FindOnPath("dotnet") is { } dotnet ? Path.GetDirectoryName(new FileInfo(dotnet).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? dotnet)
        : null;

    /// <summary>NuGet's global packages folder (restores happen before, outside; the sandbox only reads it).</summary>
    private static string? NuGetPackages() =>
        System.Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } packages ? Path.GetFullPath(packages)
        : Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    private static string? FindOnPath(string name) =>
        (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, name)).FirstOrDefault(File.Exists);

    /// <summary>Null when bubblewrap works here; otherwise why not (unprivileged user namespaces turned off, say).</summary>
    private static string? Probe(string bwrap)
    {
        var probe = DotnetCommand.Run(bwrap, ["--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "--", "/bin/true"], "/", TimeSpan.FromSeconds(20));
        return probe is { ExitCode: 0, TimedOut: false }
            ? null
            : $"bubblewrap is installed but cannot make a sandbox here ({probe.Output.Trim()}); on Ubuntu 24.04 and later, unprivileged user namespaces need the bwrap AppArmor profile (package apparmor-profiles)";
    }
}
