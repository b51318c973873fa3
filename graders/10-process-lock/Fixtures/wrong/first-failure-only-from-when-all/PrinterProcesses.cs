using System.Diagnostics;

namespace Katas.ProcessLock;

// Known wrong: one task per child, each throwing when its child failed, and `await Task.WhenAll(...)`
// (here GetAwaiter().GetResult()) to wait for them. Awaiting WhenAll rethrows only the FIRST exception of
// the tasks that failed: with two failed children, the second one is never reported.
public static class PrinterProcesses
{
    public static void PrintAll(IReadOnlyList<string> items, string lockName, string logFile) =>
        Task.WhenAll(items.Select(item => PrintInChildAsync(item, lockName, logFile))).GetAwaiter().GetResult();

    private static async Task PrintInChildAsync(string item, string lockName, string logFile)
    {
        using var child = Process.Start(new ProcessStartInfo(Program.DotnetHost)
        {
            ArgumentList = { Program.ProgramFile, "print", item, lockName, logFile },
            RedirectStandardError = true,
        })!;
        var errors = child.StandardError.ReadToEndAsync();
        await child.WaitForExitAsync().ConfigureAwait(false);
        if (child.ExitCode != 0)
        {
            throw new InvalidOperationException($"The printer process for \"{item}\" failed: {await errors.ConfigureAwait(false)}");
        }
    }
}
