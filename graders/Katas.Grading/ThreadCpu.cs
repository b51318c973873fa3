using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Katas.Grading;

/// <summary>
/// How long one operating-system thread of this process has run on a core, to tell a call stuck in a loop from one
/// stuck waiting (<see cref="Bounded"/>). Linux and Windows; elsewhere nothing is known and the message says less.
/// </summary>
internal static class ThreadCpu
{
    /// <summary>The calling thread's operating-system id, or null where this system does not say.</summary>
    public static int? CurrentOsThreadId()
    {
        try
        {
            return OperatingSystem.IsLinux() ? LinuxThreadId()
                : OperatingSystem.IsWindows() ? (int)WindowsThreadId()
                : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The processor time of the thread with that operating-system id, or null when it is gone or unknown.</summary>
    public static TimeSpan? Of(int osThreadId)
    {
        try
        {
            using var process = Process.GetCurrentProcess();
            foreach (ProcessThread thread in process.Threads)
            {
                if (thread.Id == osThreadId)
                {
                    return thread.TotalProcessorTime;
                }
            }
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or System.ComponentModel.Win32Exception)
        {
        }

        return null;
    }

    [DllImport("libc", EntryPoint = "gettid")]
    private static extern int LinuxThreadId();

    [DllImport("kernel32.dll", EntryPoint = "GetCurrentThreadId")]
    private static extern uint WindowsThreadId();
}
