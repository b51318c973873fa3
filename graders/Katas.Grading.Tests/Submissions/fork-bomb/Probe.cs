using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Katas.LockedCounter;

// Bad input for batch grading (SandboxTests): as soon as the graded assembly loads, it starts processes that never
// end, as fast as it can, forever (it ignores every failure to start one).
internal static class Probe
{
    [ModuleInitializer]
    internal static void Run()
    {
        while (true)
        {
            try
            {
                Process.Start("/bin/sleep", "600");
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or OutOfMemoryException)
            {
            }
        }
    }
}
