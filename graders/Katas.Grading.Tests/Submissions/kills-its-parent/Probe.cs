using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Katas.LockedCounter;

// Bad input for batch grading (SandboxTests): as soon as the graded assembly loads, it kills every process it can
// signal (kill -9 -1), then each of its ancestors. Never run it outside a sandbox: as root that is the whole machine.
internal static class Probe
{
    [ModuleInitializer]
    internal static void Run()
    {
        using (var killAll = Process.Start("/bin/kill", ["-9", "-1"]))
        {
            killAll.WaitForExit();
        }

        for (var pid = Environment.ProcessId; pid > 1;)
        {
            var parent = int.Parse(File.ReadAllText($"/proc/{pid}/stat").Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
            try
            {
                Process.GetProcessById(parent).Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
            }

            pid = parent;
        }
    }
}
