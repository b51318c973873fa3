namespace Katas.Grading;

/// <summary>
/// The threads a grader starts to drive the student's code (workers, producers, tellers), the same way under Coyote and
/// on real threads.
/// </summary>
/// <remarks>
/// <para>On real threads an exception that escapes a thread ends the whole test process (unlike Python): a grader's
/// <see cref="Invariant.Holds"/> on its own thread would crash the run and the student would be blamed for it. So on real
/// threads every body's exception is recorded and raised on the test's thread by <see cref="Join"/>, after the joins.
/// Under Coyote nothing is caught: Coyote reports a broken invariant or an exception with the schedule that led to it.</para>
/// <para>On real threads the bodies start together: each waits at a start gate until every thread of the run is up, so
/// that they overlap (measured in kata 04: two threads started one after the other raced 0 times in 10,000 runs at
/// 30,000/60,000 increments, the second starting after the first had finished). Under Coyote the gate is left out:
/// Coyote tries the orders itself.</para>
/// <para>Threads are unnamed on purpose (Coyote loses control of a thread whose Name is set) and, on real threads,
/// background threads, so that a thread stuck in a deadlock cannot keep the test host alive.</para>
/// </remarks>
public sealed class GraderThreads
{
    private readonly object _gate = new();
    private readonly List<Thread> _threads = [];
    private readonly List<Exception> _failures = [];
    private readonly bool _systematic = Invariant.IsExploring;
    private readonly StressRunOverlap? _overlap = StressRunOverlap.Current;
    private int _waitingAtStart;
    private int _running;
    private volatile bool _started;

    /// <summary>Adds a thread that will run <paramref name="body"/>; nothing runs before <see cref="Start"/>.</summary>
    public GraderThreads Add(Action body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var thread = _systematic ? new Thread(() => body()) : new Thread(() => Guarded(body)) { IsBackground = true };
        _threads.Add(thread);
        return this;
    }

    /// <summary>Starts every thread (on real threads, released together through the start gate).</summary>
    public GraderThreads Start()
    {
        foreach (var thread in _threads)
        {
            thread.Start();
        }

        if (!_systematic)
        {
            // Open the gate once every thread is up (or after a second: a thread pool starved by the student's code
            // must not stall the grader).
            var waitedUntil = DateTime.UtcNow + TimeSpan.FromSeconds(1);
            var spin = new SpinWait();
            while (Volatile.Read(ref _waitingAtStart) < _threads.Count && DateTime.UtcNow < waitedUntil)
            {
                spin.SpinOnce();
            }

            _started = true;
        }

        return this;
    }

    /// <summary>
    /// Joins every thread, then raises on this thread what a body threw on its own (the first broken invariant, else the
    /// first exception). On real threads the joins share <paramref name="limit"/>; returns false if a thread was still
    /// running at the end of it (a deadlock or an endless loop; the caller explains who was stuck where). Under Coyote
    /// the joins wait as long as it takes: a deadlock is Coyote's to find.
    /// </summary>
    public bool Join(TimeSpan limit)
    {
        var finished = true;
        if (_systematic)
        {
            _threads.ForEach(thread => thread.Join());
        }
        else
        {
            var deadline = DateTime.UtcNow + limit;
            foreach (var thread in _threads)
            {
                var left = deadline - DateTime.UtcNow;
                if (!thread.Join(left > TimeSpan.Zero ? left : TimeSpan.Zero))
                {
                    finished = false;
                    break;
                }
            }
        }

        RaiseFailures();
        return finished;
    }

    /// <summary>Starts the bodies together on threads of their own and joins them (see <see cref="Join"/>).</summary>
    public static bool Run(TimeSpan limit, params Action[] bodies)
    {
        var threads = new GraderThreads();
        foreach (var body in bodies)
        {
            threads.Add(body);
        }

        return threads.Start().Join(limit);
    }

    /// <summary>Raises what the threads recorded so far (also useful before giving up on threads that are stuck).</summary>
    public void RaiseFailures()
    {
        Exception? first;
        lock (_gate)
        {
            first = _failures.OfType<InvariantViolationException>().FirstOrDefault<Exception>() ?? _failures.FirstOrDefault();
        }

        switch (first)
        {
            case null:
                return;
            case InvariantViolationException:
                throw new InvariantViolationException(first.Message);
            default:
                throw new InvariantViolationException(
                    $"Your code threw {first.GetType().Name} on one of the grader's threads: {first.Message}\n{first.StackTrace}");
        }
    }

    private void Guarded(Action body)
    {
        Interlocked.Increment(ref _waitingAtStart);
        var spin = new SpinWait();
        while (!_started)
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }

        Interlocked.Increment(ref _running);
        try
        {
            body();
        }
        catch (Exception e)
        {
            lock (_gate)
            {
                _failures.Add(e);
            }
        }
        finally
        {
            // Every body still running when one ends: the threads were inside the student's code at the same time.
            if (Interlocked.Decrement(ref _running) == _threads.Count - 1 && _threads.Count > 1)
            {
                _overlap?.Saw();
            }
        }
    }
}
