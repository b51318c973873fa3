namespace Katas.SemaphoreLimit;

// Known wrong: a Monitor counting semaphore that wakes a waiter only when the throttle goes from full to
// one free slot ("nobody can be waiting otherwise"), and then only one (Pulse). Two Exits in a row before
// the woken worker runs free two slots with one wake-up: the second waiter sleeps on while a slot is
// free, and if nobody else leaves, for ever. It takes two workers waiting at once (more workers than the
// limit plus one) to see it.
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
                Monitor.Wait(_gate);
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
            if (_free == 1)
            {
                Monitor.Pulse(_gate);
            }
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
