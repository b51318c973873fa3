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
