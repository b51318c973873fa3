namespace Katas.SemaphoreLimit;

// Known right: a counting semaphore built by hand from Monitor.Wait/PulseAll, the way SemaphoreSlim works
// inside. The check "is there a free slot?" and taking it happen under one lock, and a worker that finds
// no slot sleeps in Monitor.Wait (which lets the lock go) until an Exit pulses it.
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
            Monitor.PulseAll(_gate);
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

    public void Run(Action work) => Run(() =>
    {
        work();
        return 0;
    });
}
