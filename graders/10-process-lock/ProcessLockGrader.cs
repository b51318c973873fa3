using Katas.ProcessLock;

namespace Katas.Graders.ProcessLock;

/// <summary>
/// Child processes printing under one named lock. Coyote cannot schedule processes, so every check here runs
/// real child processes and reads what they wrote to a shared log, in the order they wrote it.
/// </summary>
public sealed class ProcessLockGrader
{
    private const string ReadNext =
        "exercises/10-process-lock/README.md, and https://learn.microsoft.com/dotnet/api/system.threading.mutex";

    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(60);
    private static readonly string[] s_items = ["first", "second", "third", "fourth", "fifth"];

    private string _log = "";
    private string _lockName = "";

    [SetUp]
    public void NewLogAndLock()
    {
        // Fresh names per test: graders of several students may run on one machine at once.
        var id = Guid.NewGuid().ToString("N");
        _log = Path.Combine(Path.GetTempPath(), $"katas-printer-{id}.log");
        _lockName = $"katas-printer-{id}";
    }

    [TearDown]
    public void DeleteLog() => File.Delete(_log);

    [Test]
    public void Child_processes_print_one_at_a_time()
    {
        Bounded.Run(s_limit, "PrintAll of 5 items in 5 child processes", () => PrinterProcesses.PrintAll(s_items, _lockName, _log));

        var log = PrintLog.Read(_log);
        if (log.FirstOverlap() is var (printing, intruder))
        {
            Invariant.Holds(false,
                $"Two processes printed at the same time: while {printing} was between its begin and end lines, {intruder} " +
                "wrote a line too. The lock did not keep them apart. A `lock (...)` or a Monitor only works inside one " +
                "process: each child process has its own objects. Processes share a lock only through the operating " +
                "system: a named Mutex, with the same name in every process, held (WaitOne ... ReleaseMutex) around the " +
                $"whole print. Read next: {ReadNext}");
        }

        foreach (var item in s_items)
        {
            Invariant.Holds(log.PrintedWhole(item),
                $"\"{item}\" was not printed whole (begin, five pieces, end) in the log: its child process did not run, or " +
                $"failed. Read next: {ReadNext}");
        }
    }

    [Test]
    public void Child_processes_run_at_the_same_time()
    {
        Bounded.Run(s_limit, "PrintAll of 5 items in 5 child processes", () => PrinterProcesses.PrintAll(s_items, _lockName, _log));

        var startedTogether = PrintLog.Read(_log).StartedBeforeFirstEnd();
        Invariant.Holds(startedTogether >= 2,
            "The child processes ran one after another: each started only after the previous one had finished printing. " +
            "Then no lock is needed, and none is tested. Start every child first, and only then wait for them " +
            $"(WaitForExit), like the lesson's start() loop before any join(). Read next: {ReadNext}");
    }

    [Test]
    public void A_child_waits_while_another_process_holds_the_lock()
    {
        using var holder = new LockHolder(_lockName);
        var printing = Task.Run(() => PrinterProcesses.PrintAll(["waiting"], _lockName, _log));

        // The child needs a moment to start its runtime; only then can it try the lock.
        var started = SpinWait.SpinUntil(() => PrintLog.Read(_log).Started("waiting") || printing.IsCompleted, TimeSpan.FromSeconds(20));
        Invariant.Holds(started && !printing.IsFaulted,
            $"The child process for \"waiting\" did not start within 20 s. {printing.Exception?.GetBaseException().Message}");
        Thread.Sleep(500);

        Invariant.Holds(!PrintLog.Read(_log).Began("waiting"),
            $"The grader held the named Mutex \"{_lockName}\" (the lockName passed to PrintAll), yet the child began printing. " +
            "PrintUnderLock must take exactly that lock: `new Mutex(false, lockName)`, then WaitOne() before printing. " +
            $"Read next: {ReadNext}");

        holder.Release();
        Bounded.Run(s_limit, "PrintAll after the grader released the lock", () => printing.Wait());
        Invariant.Holds(PrintLog.Read(_log).PrintedWhole("waiting"),
            "Once the grader released the lock, the waiting child must print its item whole.");
    }

    [Test]
    public void A_print_that_fails_releases_the_lock_and_is_reported()
    {
        // The grader keeps the named mutex open (not held) between the two runs: without any open handle, the
        // operating system would forget a mutex that the failed child left abandoned.
        using var keepAlive = new Mutex(initiallyOwned: false, _lockName);
        var jammed = Bounded.Catch(s_limit, $"PrintAll of \"{SlowPrinter.JammingItem}\", whose print throws",
            () => PrinterProcesses.PrintAll([SlowPrinter.JammingItem], _lockName, _log));
        string[] later = ["one", "two"];
        var afterwards = Bounded.Catch(s_limit, $"PrintAll of {string.Join(", ", later)} after that, with the same lock",
            () => PrinterProcesses.PrintAll(later, _lockName, _log));

        var log = PrintLog.Read(_log);
        foreach (var item in later)
        {
            Invariant.Holds(log.PrintedWhole(item),
                $"\"{item}\" was never printed whole after the printer jammed on \"{SlowPrinter.JammingItem}\" (its process " +
                "threw in the middle of SlowPrinter.Print, then ended). Release the Mutex in `finally`, so that a failing " +
                "print still lets the next process in. A process that dies holding a Mutex leaves it abandoned: the next " +
                "WaitOne throws AbandonedMutexException (and does get the lock: catch it and go on). " +
                (afterwards is null ? "" : $"PrintAll said: {afterwards.Message} ") + $"Read next: {ReadNext}");
        }

        Invariant.Holds(jammed?.ToString().Contains(SlowPrinter.JammingItem, StringComparison.Ordinal) == true,
            (jammed is null
                ? "PrintAll returned as if every print went well, but the child process printing " +
                  $"\"{SlowPrinter.JammingItem}\" failed (it exited with a code other than 0)."
                : $"PrintAll threw, but its message does not name the failed item \"{SlowPrinter.JammingItem}\": {jammed.Message}") +
            " After waiting for every child, check each one's ExitCode and throw an exception that names the items whose " +
            "process failed.");
        Invariant.Holds(afterwards is null, $"PrintAll of {string.Join(", ", later)} threw, though both printed: {afterwards?.Message}");
    }
}
