using System.Diagnostics;

namespace Katas.ProcessLock;

/// <summary>The lesson's <c>for num in range(10): Process(target=printer, args=(item, lock)).start()</c>.</summary>
public static class PrinterProcesses
{
    /// <summary>
    /// Starts one child process per item, all at once (<c>dotnet ProcessLock.dll print &lt;item&gt; &lt;lock name&gt;
    /// &lt;log file&gt;</c>), and waits for all of them. Throws if any child failed, naming its item.
    /// </summary>
    /// <remarks>
    /// TODO: this waits for each child before it starts the next, and never looks at how a child ended. See README.md.
    /// </remarks>
    public static void PrintAll(IReadOnlyList<string> items, string lockName, string logFile)
    {
        foreach (var item in items)
        {
            var start = new ProcessStartInfo(Program.DotnetHost)
            {
                ArgumentList = { Program.ProgramFile, "print", item, lockName, logFile },
            };
            using var child = Process.Start(start);
            child?.WaitForExit();
        }
    }
}
