using System.Diagnostics;

namespace Katas.ProcessLock;

// Known wrong: "a process per item" done with threads: each item runs the child's Main on a thread of this
// process. The named Mutex keeps threads apart too, so the log looks right, but every item is printed by
// the same process, and nothing here is about processes any more.
public static class PrinterProcesses
{
    public static void PrintAll(IReadOnlyList<string> items, string lockName, string logFile)
    {
        var failed = new List<string>();
        var threads = items.Select(item => new Thread(() =>
        {
            try
            {
                Program.Main(["print", item, lockName, logFile]);
            }
            catch (Exception)
            {
                lock (failed)
                {
                    failed.Add(item);
                }
            }
        })).ToList();
        threads.ForEach(thread => thread.Start());
        threads.ForEach(thread => thread.Join());

        if (failed.Count > 0)
        {
            throw new InvalidOperationException($"Printing failed: {string.Join(", ", failed)}");
        }
    }
}
