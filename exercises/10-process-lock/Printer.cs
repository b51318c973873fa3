namespace Katas.ProcessLock;

/// <summary>The lesson's <c>printer(item, lock)</c>, for a lock that several processes share.</summary>
public static class Printer
{
    /// <summary>
    /// Prints <paramref name="item"/> with <see cref="SlowPrinter.Print"/> while holding the lock named
    /// <paramref name="lockName"/>, which every process that uses the same name shares.
    /// </summary>
    /// <remarks>TODO: this prints without any lock, so processes printing at once mix their pieces. See README.md.</remarks>
    public static void PrintUnderLock(string item, string lockName, string logFile) => SlowPrinter.Print(item, logFile);
}
