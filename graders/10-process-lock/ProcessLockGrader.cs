using System.Diagnostics;
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

    /// <summary>How long children may take to start their runtimes, all at once, on a busy machine.</summary>
    private static readonly TimeSpan s_startUp = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the grader holds the lock once the children are waiting for it: longer than a timeout a student may give
    /// WaitOne ("a second is plenty for a print"), so that a child that gives up and prints anyway shows.
    /// </summary>
    private static readonly TimeSpan s_outlast = TimeSpan.FromSeconds(1.5);

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

    [Core]
    [Test]
    public void Child_processes_print_one_at_a_time()
    {
        // The grader keeps the named mutex open (not held), so that it can tell afterwards whether the last child
        // released it: without any open handle, the operating system forgets a mutex when its last process ends.
        using var keepAlive = new Mutex(initiallyOwned: false, _lockName);
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
                $"\"{item}\" was not printed whole (begin, five pieces, end) in the log when PrintAll returned: its child " +
                $"process did not run, failed, or was still running (PrintAll must wait for every child). Read next: {ReadNext}");
        }

        var processes = s_items.Select(item => log.ProcessOf(item)).ToList();
        Invariant.Holds(processes.Distinct().Count() == s_items.Length && !processes.Contains(Environment.ProcessId),
            $"The 5 items were printed by the processes [{string.Join(", ", processes)}]; the grader's own process is " +
            $"{Environment.ProcessId}. PrintAll must start one child process per item (Process.Start of `dotnet " +
            "ProcessLock.dll print <item> <lock name> <log file>`), not run the printing on threads of its own process: the " +
            $"kata is about a lock that processes share. Read next: {ReadNext}");
        MustLeaveTheLockFree(keepAlive, "after PrintAll of 5 items had returned");
        MustHaveDisposedTheChildren(log, s_items, "after PrintAll of 5 items");
    }

    [Core]
    [Test]
    public void Child_processes_start_at_once_and_wait_while_another_process_holds_the_lock()
    {
        using var holder = new LockHolder(_lockName);
        var printing = Task.Run(() => PrinterProcesses.PrintAll(s_items, _lockName, _log));

        var started = WaitUntilEveryChildStarted(s_items, printing);
        Invariant.Holds(started.Count == s_items.Length,
            $"While the grader held the lock, only {started.Count} of the {s_items.Length} children started " +
            $"([{string.Join(", ", started)}]) within {s_startUp.TotalSeconds:0} s" +
            (printing.IsCompleted ? $", and PrintAll {(printing.IsFaulted ? $"threw: {printing.Exception!.GetBaseException().Message}" : "returned")}. " : ". ") +
            "PrintAll must start every child first, and only then wait for them (like the lesson's start() loop before any " +
            "join()): a child that waits for the lock must not stop the next one from starting. Starting one child and " +
            "waiting for it (or a few at a time) before starting the next is not \"all at once\". " +
            $"Read next: {ReadNext}");

        // The children now wait for the lock. Long enough that a child that gave up waiting would have begun.
        Thread.Sleep(s_outlast);
        var began = PrintLog.Read(_log).BeganItems();
        Invariant.Holds(began.Count == 0,
            $"The grader held the named Mutex \"{_lockName}\" (the lockName passed to PrintAll), yet the child(ren) of " +
            $"[{string.Join(", ", began)}] began printing within {s_outlast.TotalSeconds:0.#} s. PrintUnderLock must take exactly " +
            "that lock, `new Mutex(false, lockName)`, and wait for it as long as it takes (WaitOne() without a timeout, or " +
            $"a timed wait in a loop that tries again) before printing. Read next: {ReadNext}");

        holder.Release();
        Bounded.Run(s_limit, "PrintAll after the grader released the lock", () => printing.Wait());
        var log = PrintLog.Read(_log);
        Invariant.Holds(log.FirstOverlap() is null,
            $"Once the grader released the lock, two children printed at the same time: {log.FirstOverlap()}. Read next: {ReadNext}");
        foreach (var item in s_items)
        {
            Invariant.Holds(log.PrintedWhole(item),
                $"Once the grader released the lock, the waiting child for \"{item}\" must print its item whole.");
        }
    }

    [Test]
    public void A_print_that_fails_releases_the_lock_and_is_reported()
    {
        using var keepAlive = new Mutex(initiallyOwned: false, _lockName);
        var jammed = Bounded.Catch(s_limit, $"PrintAll of \"{SlowPrinter.JammingItem}\", whose print throws",
            () => PrinterProcesses.PrintAll([SlowPrinter.JammingItem], _lockName, _log));

        Invariant.Holds(jammed?.ToString().Contains(SlowPrinter.JammingItem, StringComparison.Ordinal) == true,
            (jammed is null
                ? "PrintAll returned as if every print went well, but the child process printing " +
                  $"\"{SlowPrinter.JammingItem}\" failed (it exited with a code other than 0)."
                : $"PrintAll threw, but its message does not name the failed item \"{SlowPrinter.JammingItem}\": {jammed.Message}") +
            " After waiting for every child, check each one's ExitCode and throw an exception that names the items whose " +
            "process failed.");
        MustLeaveTheLockFree(keepAlive, $"after the print of \"{SlowPrinter.JammingItem}\" threw halfway (its process ended)");
        MustHaveDisposedTheChildren(PrintLog.Read(_log), [SlowPrinter.JammingItem], "after PrintAll had thrown");
    }

    [Test]
    public void Two_failures_in_one_run_are_all_reported()
    {
        string[] kept = ["north", "south"];
        string[] killed = ["gone-a", "gone-b"];
        string[] items = [killed[0], kept[0], SlowPrinter.JammingItem, kept[1], killed[1]];
        using var keepAlive = new Mutex(initiallyOwned: false, _lockName);
        var holder = new LockHolder(_lockName);
        Task printing;
        try
        {
            printing = Task.Run(() => PrinterProcesses.PrintAll(items, _lockName, _log));
            var started = WaitUntilEveryChildStarted(items, printing);
            Invariant.Holds(started.Count == items.Length,
                $"This check needs every child running at once (while the grader held the lock, only [{string.Join(", ", started)}] " +
                $"of [{string.Join(", ", items)}] started within {s_startUp.TotalSeconds:0} s): see " +
                "Child_processes_start_at_once_and_wait_while_another_process_holds_the_lock first.");

            // Two children die while they wait for the lock: their processes fail, as a print that throws does.
            var log = PrintLog.Read(_log);
            foreach (var item in killed)
            {
                Kill(log.ProcessOf(item)!.Value);
            }
        }
        finally
        {
            holder.Dispose();
        }

        var thrown = Bounded.Catch(s_limit, $"PrintAll of {string.Join(", ", items)}, two of whose children were killed", () => printing.Wait());
        var failure = (thrown as AggregateException)?.InnerExceptions is [var only] ? only : thrown;
        var afterwards = PrintLog.Read(_log);
        var failed = killed.Append(SlowPrinter.JammingItem).ToList();
        var text = failure?.ToString() ?? "";
        var unnamed = failed.Where(item => !text.Contains(item, StringComparison.Ordinal)).ToList();
        Invariant.Holds(failure is not null && unnamed.Count == 0,
            (failure is null
                ? $"PrintAll returned as if every print went well, but three children failed: [{string.Join(", ", failed)}]"
                : $"Three children failed ([{string.Join(", ", failed)}]: two were killed while they waited for the lock, the " +
                  $"print of \"{SlowPrinter.JammingItem}\" threw), but PrintAll's exception does not name [{string.Join(", ", unnamed)}]: " +
                  $"{failure.Message}") +
            ". Wait for every child, collect every item whose process ended with an ExitCode other than 0, and only then " +
            "throw one exception that names them all (awaiting Task.WhenAll rethrows only the first failure: look at every " +
            $"task, or at WhenAll's task's Exception). Read next: {ReadNext}");
        foreach (var item in kept)
        {
            Invariant.Holds(afterwards.PrintedWhole(item),
                $"\"{item}\" was not printed whole when PrintAll returned: PrintAll{(failure is null ? "" : " threw")} before its " +
                "children had all ended, or the lock was not released for them after two children died and the print of " +
                $"\"{SlowPrinter.JammingItem}\" threw. PrintAll must wait for every child, whichever failed, and report the " +
                $"failures only then. {(failure is null ? "" : $"PrintAll threw: {failure.Message} ")}Read next: {ReadNext}");
        }

        MustLeaveTheLockFree(keepAlive, "after PrintAll had ended (two children were killed, one print threw)");
        MustHaveDisposedTheChildren(afterwards, items, "after PrintAll had thrown");
    }

    [Test]
    public void An_abandoned_lock_does_not_stop_the_next_print()
    {
        using var keepAlive = new Mutex(initiallyOwned: false, _lockName);
        LockHolder.Abandon(_lockName);

        var error = Bounded.Catch(s_limit, "PrintAll of \"after\" while the lock was abandoned",
            () => PrinterProcesses.PrintAll(["after"], _lockName, _log));

        Invariant.Holds(error is null && PrintLog.Read(_log).PrintedWhole("after"),
            "The grader took the lock on one of its threads and ended that thread without releasing it, as a process that " +
            "dies while printing does: the lock was abandoned. Then PrintAll of \"after\" " +
            (error is null ? "returned, but \"after\" was not printed whole." : $"threw: {error.Message}.") +
            " The next WaitOne() on an abandoned mutex throws AbandonedMutexException, and the thread that gets it does own " +
            "the mutex: catch it around WaitOne() and go on printing (the log may hold a half-printed item; the lock is " +
            $"yours now). Read next: {ReadNext}");
    }

    /// <summary>Waits until every item's child has written its "started" line (or PrintAll ended, or time ran out).</summary>
    private List<string> WaitUntilEveryChildStarted(IReadOnlyCollection<string> items, Task printing)
    {
        var until = DateTime.UtcNow + s_startUp;
        while (true)
        {
            var started = PrintLog.Read(_log).StartedItems().ToList();
            if (started.Count >= items.Count || printing.IsCompleted || DateTime.UtcNow > until)
            {
                return started;
            }

            Thread.Sleep(50);
        }
    }

    private static void Kill(int processId)
    {
        try
        {
            // The grader's own Process object for the child: disposed, so that it does not look like one PrintAll kept.
            using var child = Process.GetProcessById(processId);
            child.Kill();
            // Killed, a waiter can still be queued on the lock for a moment; a release in that moment may hand its one
            // wake-up to it, and the waiters that live on then sleep on a lock that reads free, for ever. Seen once in 25
            // runs of a correct PrintAll at load average 36 (two children left waiting, the mutex's word 0), so the lock
            // is released only once the killed children are gone.
            child.WaitForExit(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // It has ended already: it did not wait for the lock. The checks after PrintAll say what that means.
        }
    }

    /// <summary>
    /// After every child has ended, the lock must be free: not held (a child still running after PrintAll returned) and
    /// not abandoned (the last child to hold it ended without ReleaseMutex).
    /// </summary>
    private void MustLeaveTheLockFree(Mutex keepAlive, string when)
    {
        string? state;
        try
        {
            state = keepAlive.WaitOne(0) ? null : "held";
            if (state is null)
            {
                keepAlive.ReleaseMutex();
            }
        }
        catch (AbandonedMutexException)
        {
            keepAlive.ReleaseMutex();
            state = "abandoned";
        }

        Invariant.Holds(state != "held",
            $"The named Mutex \"{_lockName}\" was still held {when}: a child was still printing, so PrintAll returned " +
            $"before its children had ended. Wait for every child (WaitForExit) before returning or throwing. Read next: {ReadNext}");
        Invariant.Holds(state != "abandoned",
            $"The named Mutex \"{_lockName}\" was abandoned {when}: the last process that held it ended without " +
            "ReleaseMutex, and the operating system freed it as an abandoned mutex (the next WaitOne throws " +
            "AbandonedMutexException). \"Release it whatever happens\": WaitOne(); try { Print(...); } finally " +
            "{ ReleaseMutex(); }, so that a print that throws still releases it. Catching AbandonedMutexException in the next " +
            $"process is for processes that really die (killed), not a way to release. Read next: {ReadNext}");
    }

    private static void MustHaveDisposedTheChildren(PrintLog log, IEnumerable<string> items, string when)
    {
        if (!ChildProcessTable.CanTell)
        {
            TestContext.Out.WriteLine("Note: whether PrintAll disposed its Process objects is checked on Linux and macOS only.");
            return;
        }

        var children = items.Select(item => (Item: item, Process: log.ProcessOf(item)))
            .Where(child => child.Process is { } id && id != Environment.ProcessId)
            .ToList();
        var kept = ChildProcessTable.StillTracked(children.Select(child => child.Process!.Value)).ToHashSet();
        var undisposed = children.Where(child => kept.Contains(child.Process!.Value)).Select(child => child.Item).ToList();
        Invariant.Holds(undisposed.Count == 0,
            $"{when}, the Process objects of [{string.Join(", ", undisposed)}] were not disposed: the runtime still keeps " +
            "track of their children for them (on Windows each would hold a process handle). A Process is IDisposable: " +
            "dispose every one when its child has ended, in a `finally` (or `using`), so that a failure (PrintAll throws) " +
            $"does not skip it. Read next: {ReadNext}");
    }
}
