using System.Diagnostics;

namespace Katas.ProcessLock;

// Known wrong: never disposes the Process objects. Each keeps what the operating system gave it for its
// child (on Windows a process handle; on Linux the runtime keeps tracking the child) until the garbage
// collector comes, if ever.
public static class PrinterProcesses
{
    public static void PrintAll(IReadOnlyList<string> items, string lockName, string logFile)
    {
        var children = new List<(string Item, Process Process)>();
        foreach (var item in items)
        {
            var start = new ProcessStartInfo(Program.DotnetHost)
            {
                ArgumentList = { Program.ProgramFile, "print", item, lockName, logFile },
                RedirectStandardError = true,
            };
            children.Add((item, Process.Start(start)!));
        }

        var failed = new List<string>();
        foreach (var (item, child) in children)
        {
            child.StandardError.ReadToEnd();
            child.WaitForExit();
            if (child.ExitCode != 0)
            {
                failed.Add(item);
            }
        }

        if (failed.Count > 0)
        {
            throw new InvalidOperationException($"Printing failed: {string.Join(", ", failed)}");
        }
    }
}
