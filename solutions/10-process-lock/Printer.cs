namespace Katas.ProcessLock;

/// <summary>The lesson's <c>printer(item, lock)</c>, for a lock that several processes share.</summary>
public static class Printer
{
    /// <summary>
    /// Prints <paramref name="item"/> with <see cref="SlowPrinter.Print"/> while holding the lock named
    /// <paramref name="lockName"/>, which every process that uses the same name shares.
    /// </summary>
    public static void PrintUnderLock(string item, string lockName, string logFile)
    {
        // A named Mutex is a lock the operating system keeps, so every process that opens the same name gets the
        // same lock. `lock (someObject)` would not do: each process has its own objects, hence its own locks.
        using var printerLock = new Mutex(initiallyOwned: false, lockName);
        try
        {
            printerLock.WaitOne();
        }
        catch (AbandonedMutexException)
        {
            // A process died while holding the lock. The mutex is ours now; the log may hold its half-printed item.
        }

        try
        {
            SlowPrinter.Print(item, logFile);
        }
        finally
        {
            // In finally: a print that throws must still let the next process in.
            printerLock.ReleaseMutex();
        }
    }
}
