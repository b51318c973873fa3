using System.Diagnostics;

namespace Katas.Graders.ThreadsAndProcesses;

/// <summary>What the grader can find out, on its own, about the processes the student's code started.</summary>
internal static class ChildProcesses
{
    /// <summary>Whether the grader can read other processes' command lines (Linux: /proc/&lt;pid&gt;/cmdline).</summary>
    public static bool CanFindByCommandLine => OperatingSystem.IsLinux() && Directory.Exists("/proc");

    /// <summary>Whether a process with this id is still running.</summary>
    public static bool IsRunning(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>
    /// Whether the process still exists at all, running or a zombie (ended, but not yet reaped by its parent): a child that
    /// was killed and waited for (WaitForExit reaps it) is gone. Linux only; elsewhere always false.
    /// </summary>
    public static bool Exists(int processId) => CanFindByCommandLine && Directory.Exists($"/proc/{processId}");

    /// <summary>Whether the process is running: it exists and is not a zombie. Linux only; elsewhere always false.</summary>
    public static bool IsAlive(int processId)
    {
        try
        {
            return CanFindByCommandLine && State(File.ReadAllText($"/proc/{processId}/stat")) is not ('Z' or 'X');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Whether the process is running and not stopped (SIGSTOP, as Kill(entireProcessTree: true) does first).</summary>
    public static bool IsRunningUnstopped(int processId)
    {
        try
        {
            return CanFindByCommandLine && State(File.ReadAllText($"/proc/{processId}/stat")) is not ('Z' or 'X' or 'T' or 't');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Waits until the process is no longer running, or <paramref name="limit"/> has passed; true if it ended.</summary>
    public static bool WaitUntilEnded(int processId, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (IsAlive(processId))
        {
            if (clock.Elapsed >= limit)
            {
                return false;
            }

            Thread.Sleep(20);
        }

        return true;
    }

    /// <summary>The ids of the processes whose parent is <paramref name="parentId"/>, zombies included. Linux only.</summary>
    public static IReadOnlySet<int> ChildrenOf(int parentId)
    {
        var found = new HashSet<int>();
        if (!CanFindByCommandLine)
        {
            return found;
        }

        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid))
            {
                continue;
            }

            try
            {
                if (ParentOf(File.ReadAllText(Path.Combine(folder, "stat"))) == parentId)
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone while we looked.
            }
        }

        return found;
    }

    /// <summary>
    /// When the process was created (its exec), on <see cref="Stopwatch"/>'s clock, to 10 ms; null if unknown (not Linux,
    /// or gone). /proc/&lt;pid&gt;/stat's starttime and /proc/uptime count on the same clock since boot, in clock ticks
    /// (100 a second) and seconds: the difference, taken against Stopwatch now, places the creation on Stopwatch's clock.
    /// </summary>
    public static long? CreatedAt(int processId)
    {
        try
        {
            if (!CanFindByCommandLine)
            {
                return null;
            }

            var stat = File.ReadAllText($"/proc/{processId}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var now = Stopwatch.GetTimestamp();
            var uptime = File.ReadAllText("/proc/uptime").Split(' ')[0];
            if (!long.TryParse(fields[19], out var startTicks) ||
                !double.TryParse(uptime, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var upSeconds))
            {
                return null;
            }

            var ago = upSeconds - (startTicks / 100.0);
            return ago < 0 ? null : now - (long)(ago * Stopwatch.Frequency);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    // /proc/<pid>/stat: "pid (comm) S ppid ...": the command may hold spaces and parentheses, so read after the last ')'.
    private static char State(string stat) => stat[stat.LastIndexOf(')') + 2];

    private static int ParentOf(string stat)
    {
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.TryParse(fields[1], out var parent) ? parent : -1;
    }

    /// <summary>
    /// The running processes (other than this one) whose command line contains <paramref name="marker"/>, a word
    /// the grader put there, such as a name no one else would pass. Linux only; elsewhere always empty.
    /// </summary>
    public static IReadOnlyList<int> FindRunning(string marker)
    {
        if (!CanFindByCommandLine)
        {
            return [];
        }

        var found = new List<int>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                // A zombie (exited, not yet reaped) has an empty command line: it is not running.
                var commandLine = File.ReadAllText(Path.Combine(folder, "cmdline")).Replace('\0', ' ');
                if (commandLine.Contains(marker, StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked, or is not ours to read.
            }
        }

        return found;
    }

    /// <summary>Kills what the student's code left running, so that one failed check does not leave processes behind.</summary>
    public static void KillAll(IEnumerable<int> processIds)
    {
        foreach (var pid in processIds.Where(pid => pid != Environment.ProcessId))
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Already gone.
            }
        }
    }
}
