using System.Diagnostics;

namespace Katas.ProcessLock;

/// <summary>The lesson's <c>for num in range(10): Process(target=printer, args=(item, lock)).start()</c>.</summary>
public static class PrinterProcesses
{
    /// <summary>
    /// Starts one child process per item, all at once (<c>dotnet ProcessLock.dll print &lt;item&gt; &lt;lock name&gt;
    /// &lt;log file&gt;</c>), and waits for all of them. Throws if any child failed, naming its item.
    /// </summary>
    public static void PrintAll(IReadOnlyList<string> items, string lockName, string logFile)
    {
        var children = new List<(string Item, Process Process)>();
        try
        {
            foreach (var item in items)
            {
                var start = new ProcessStartInfo(Program.DotnetHost)
                {
                    ArgumentList = { Program.ProgramFile, "print", item, lockName, logFile },
                    RedirectStandardError = true,
                    UseShellExecute = false,
                };
                children.Add((item, Process.Start(start) ?? throw new InvalidOperationException($"The child for \"{item}\" did not start.")));
            }

            var failures = new List<string>();
            foreach (var (item, child) in children)
            {
                var errors = child.StandardError.ReadToEnd();
                child.WaitForExit();
                if (child.ExitCode != 0)
                {
                    var reason = errors.Split('\n').FirstOrDefault(line => line.Contains("Exception", StringComparison.Ordinal))?.Trim();
                    failures.Add($"\"{item}\" (process {child.Id}, exit code {child.ExitCode}): {reason ?? "no error message"}");
                }
            }

            if (failures.Count > 0)
            {
                throw new InvalidOperationException($"{failures.Count} of {items.Count} printer processes failed: {string.Join("; ", failures)}");
            }
        }
        finally
        {
            foreach (var (_, child) in children)
            {
                child.Dispose();
            }
        }
    }
}
