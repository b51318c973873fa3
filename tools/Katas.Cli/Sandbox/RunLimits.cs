namespace Katas.Cli;

/// <param name="Processes">Most tasks (processes and threads: Linux counts both) one run may have at once.</param>
/// <param name="MemoryBytes">Most memory one run (a build, or the checks) may use, its page cache included.</param>
public sealed record SandboxLimits(int Processes, long MemoryBytes)
{
    /// <summary>
    /// Measured with the reference solutions of all 13 katas (`bash bench/sandbox-limits.sh`, bench/RESULTS.md "The
    /// sandbox"): the busiest build peaked at 71 tasks and 225 MiB (page cache included), the busiest checks at 96 tasks
    /// (kata 10's processes) and 161 MiB (kata 13's ML.NET). The process limit leaves 10 times that. Memory is set by
    /// something else: a submission that prints 50 MB (BatchGradingTests) makes VSTest's own processes, which keep the
    /// output, peak at 4.3 GB; that is the test runner's doing, not the student's, and must not be stopped.
    /// </summary>
    public static SandboxLimits Default { get; } = new(Processes: 1024, MemoryBytes: 6L << 30);

    public string Describe() => $"at most {Processes} processes and threads, {MemoryBytes >> 20} MiB of memory per run";
}

/// <summary>
/// A control group of its own for one sandboxed run, with the limits of <see cref="SandboxLimits"/>: a fork bomb meets
/// pids.max, a hoard of memory meets the memory limit, and both are seen in the group's counters while the run goes on, so
/// the run is stopped at once and told why, instead of timing out minutes later. Made under this process's own group
/// (cgroup v1's pids and memory hierarchies, or the unified v2 one); where they are not writable (not root, no
/// delegation), there is none and the sandbox says its limits are not enforced.
/// </summary>
public sealed class RunCgroup : IDisposable
{
    private static int s_next;

    private readonly IReadOnlyList<string> _folders;
    private readonly string _pidsEvents;
    private readonly string _memoryPeak;
    private readonly string _memoryOom;

    private RunCgroup(IReadOnlyList<string> folders, string pidsEvents, string memoryPeak, string memoryOom)
    {
        _folders = folders;
        _pidsEvents = pidsEvents;
        _memoryPeak = memoryPeak;
        _memoryOom = memoryOom;
    }

    /// <summary>What ran in the group, for the peaks log (the command and its first arguments); empty for <see cref="Available"/>'s probe, which is not logged.</summary>
    public string Label { get; set; } = "";

    /// <summary>The folders whose cgroup.procs the run's first process joins (its children follow it).</summary>
    public IReadOnlyList<string> Folders => _folders;

    /// <summary>Whether groups can be made here (checked once, by making and removing one).</summary>
    public static bool Available => s_available.Value;

    private static readonly Lazy<bool> s_available = new(() =>
    {
        using var probe = TryCreate(SandboxLimits.Default);
        return probe is not null;
    });

    /// <summary>A new group with <paramref name="limits"/>, or null where groups cannot be made.</summary>
    public static RunCgroup? TryCreate(SandboxLimits limits)
    {
        var name = $"katas-run-{Environment.ProcessId}-{Interlocked.Increment(ref s_next)}";
        var own = OwnGroups();
        var processes = limits.Processes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var memoryBytes = limits.MemoryBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var made = new List<string>();
        string Make(string hierarchy, string path)
        {
            var folder = Path.Combine("/sys/fs/cgroup", hierarchy, path.TrimStart('/'), name);
            Directory.CreateDirectory(folder);
            made.Add(folder);
            return folder;
        }

        try
        {
            if (own.TryGetValue("", out var unified) && !own.ContainsKey("pids") && !own.ContainsKey("memory"))
            {
                var folder = Make("", unified);
                File.WriteAllText(Path.Combine(folder, "pids.max"), processes);
                File.WriteAllText(Path.Combine(folder, "memory.max"), memoryBytes);
                TryWrite(Path.Combine(folder, "memory.swap.max"), "0");
                return new RunCgroup([folder], Path.Combine(folder, "pids.events"), Path.Combine(folder, "memory.peak"), Path.Combine(folder, "memory.events"));
            }

            if (own.TryGetValue("pids", out var pidsPath) && own.TryGetValue("memory", out var memoryPath))
            {
                var pids = Make("pids", pidsPath);
                var memory = Make("memory", memoryPath);
                File.WriteAllText(Path.Combine(pids, "pids.max"), processes);
                File.WriteAllText(Path.Combine(memory, "memory.limit_in_bytes"), memoryBytes);
                // Without this, a hoard would go on into swap (where there is swap accounting) instead of meeting the limit.
                TryWrite(Path.Combine(memory, "memory.memsw.limit_in_bytes"), memoryBytes);
                return new RunCgroup([pids, memory], Path.Combine(pids, "pids.events"), Path.Combine(memory, "memory.max_usage_in_bytes"),
                    Path.Combine(memory, "memory.oom_control"));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            made.ForEach(TryRemove);
        }

        return null;
    }

    /// <summary>
    /// Which limit the run went over so far, or null: a fork or a thread refused at the process limit, or a process the
    /// kernel killed at the memory limit. (A .NET process would throw OutOfMemoryException at 75% of the limit, its GC's
    /// default, and leave the group's counters untouched; the sandbox lifts the GC's limit, <see cref="Sandbox"/>.)
    /// </summary>
    public string? OverLimit() =>
        Counter(_pidsEvents, "max") > 0 ? "process limit"
        : Counter(_memoryOom, "oom_kill") > 0 ? "memory limit"
        : null;

    /// <summary>
    /// Kills what is left in the group (nothing, normally: the sandbox's PID namespace ended with it) and removes it. With
    /// KATAS_SANDBOX_PEAKS set to a file, first appends the run's peaks to it ("pids &lt;n&gt; memory &lt;MiB&gt;"): how
    /// bench/sandbox-limits.sh measured the busiest runs that the limits must leave room for.
    /// </summary>
    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("KATAS_SANDBOX_PEAKS") is { Length: > 0 } peaks && Label.Length > 0)
        {
            var pidsPeak = Number(ReadOrEmpty(Path.Combine(_folders[0], "pids.peak")));
            File.AppendAllText(peaks, $"{Label} pids {pidsPeak} memory {Number(ReadOrEmpty(_memoryPeak)) >> 20}\n");
        }

        var until = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        foreach (var folder in _folders)
        {
            while (Members(folder) is { Count: > 0 } members && DateTime.UtcNow < until)
            {
                foreach (var pid in members)
                {
                    try
                    {
                        System.Diagnostics.Process.GetProcessById(pid).Kill();
                    }
                    catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
                    {
                        // Gone already.
                    }
                }

                Thread.Sleep(50);
            }

            TryRemove(folder);
        }
    }

    private static List<int> Members(string folder) =>
        [.. ReadOrEmpty(Path.Combine(folder, "cgroup.procs")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse)];

    /// <summary>This process's group in each hierarchy: controller list ("pids", "memory"; "" for the unified one) to path.</summary>
    private static Dictionary<string, string> OwnGroups()
    {
        var groups = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in ReadOrEmpty("/proc/self/cgroup").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(':', 3);
            if (parts.Length == 3)
            {
                foreach (var controller in parts[1].Split(','))
                {
                    groups.TryAdd(controller, parts[2]);
                }
            }
        }

        // On a v1 machine the unified line ("0::/") is there too but has no controllers; only a v2-only machine uses it.
        if (groups.ContainsKey("pids") || !Directory.Exists("/sys/fs/cgroup") || !File.Exists("/sys/fs/cgroup/cgroup.controllers"))
        {
            groups.Remove("");
        }

        return groups;
    }

    /// <summary>"name N" lines (pids.events, memory.events, memory.oom_control): N for <paramref name="name"/>, 0 when absent.</summary>
    private static long Counter(string file, string name) =>
        ReadOrEmpty(file).Split('\n').Select(line => line.Split(' ')).Where(parts => parts.Length == 2 && parts[0] == name)
            .Select(parts => Number(parts[1])).FirstOrDefault();

    private static long Number(string text) => long.TryParse(text.Trim(), out var number) ? number : 0;

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static void TryWrite(string path, string text)
    {
        try
        {
            File.WriteAllText(path, text);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not every kernel has it.
        }
    }

    private static void TryRemove(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Still busy: a later run of the same name is impossible (the counter), and the kernel frees it when empty.
        }
    }
}
