namespace Katas.SemaphoreLimit;

// Known right: a Monitor counting semaphore whose waiting workers wake every 50 ms to look again (a timed
// Monitor.Wait in a `while` loop): a timed wait used correctly, it never gives up. Hard for the grader: it
// uses a timeout, so a check that suspects "goes in after a timeout" must watch it for a long time and find
// it still waiting; and a worker woken by a timeout, not by Exit, must not be counted as let in.
public sealed class Throttle
{
    private readonly object _gate = new();
    private int _free;

    public Throttle(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        Limit = limit;
        _free = limit;
    }

    public int Limit { get; }

    public void Enter()
    {
        lock (_gate)
        {
            while (_free == 0)
            {
                Monitor.Wait(_gate, TimeSpan.FromMilliseconds(50));
            }

            _free--;
        }
    }

    public void Exit()
    {
        lock (_gate)
        {
            if (_free == Limit)
            {
                throw new SemaphoreFullException("Exit was called more times than Enter.");
            }

            _free++;
            Monitor.Pulse(_gate);
        }
    }

    public T Run<T>(Func<T> work)
    {
        Enter();
        try
        {
            return work();
        }
        finally
        {
            Exit();
        }
    }

    public void Run(Action work)
    {
        Enter();
        try
        {
            work();
        }
        finally
        {
            Exit();
        }
    }
}
