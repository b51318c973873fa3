using System.Diagnostics;

namespace Katas.ProcessLock;

// Known right: records and LINQ. Every child is started by one Select (materialized at once, so all start
// before any is waited for), the Process objects are disposed in finally, and the failures are the
// records whose exit code is not 0.
public static class PrinterProcesses
{
    private sealed record Child(string Item, Process Process);

    private sealed record Outcome(string Item, int ExitCode, string Errors);

    public static void PrintAll(IReadOnlyList<string> items, string lockName, string logFile)
    {
        List<Child> children = [];
        try
        {
            children.AddRange(items.Select(item => new Child(item, Process.Start(new ProcessStartInfo(Program.DotnetHost)
            {
                ArgumentList = { Program.ProgramFile, "print", item, lockName, logFile },
                RedirectStandardError = true,
            })!)));

            var failed = children
                .Select(child =>
                {
                    var errors = child.Process.StandardError.ReadToEnd();
                    child.Process.WaitForExit();
                    return new Outcome(child.Item, child.Process.ExitCode, errors);
                })
                .ToList()
                .Where(outcome => outcome.ExitCode != 0)
                .ToList();
            if (failed is not [])
            {
                throw new InvalidOperationException(
                    "Printing failed for " + string.Join(", ", failed.Select(outcome => $"{outcome.Item} (exit code {outcome.ExitCode})")));
            }
        }
        finally
        {
            children.ForEach(child => child.Process.Dispose());
        }
    }
}
