namespace Katas.ProcessLock;

// Known right: the lock is taken by a helper that turns "abandoned" into a value (and says so in the log),
// and released in finally. Hard for the grader: the abandoned case writes an extra line to the log
// between prints (a line the grader's reader does not know), and WaitOne is called through a helper.
public static class Printer
{
    public static void PrintUnderLock(string item, string lockName, string logFile)
    {
        using var printerLock = new Mutex(initiallyOwned: false, lockName);
        if (Take(printerLock) == Taken.FromADeadProcess)
        {
            SlowPrinter.Append(logFile, $"note: the lock {lockName} was abandoned; the item before {item} may be half-printed");
        }

        try
        {
            SlowPrinter.Print(item, logFile);
        }
        finally
        {
            printerLock.ReleaseMutex();
        }
    }

    private enum Taken
    {
        Released,
        FromADeadProcess,
    }

    private static Taken Take(Mutex mutex)
    {
        try
        {
            mutex.WaitOne();
            return Taken.Released;
        }
        catch (AbandonedMutexException)
        {
            return Taken.FromADeadProcess;
        }
    }
}
