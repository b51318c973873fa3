namespace Katas.SemaphoreLimit;

// Known wrong: a Monitor counting semaphore whose waiting worker wakes every 500 ms to look again, and
// after four looks (2 s) decides the throttle must be stuck and goes in anyway, counting itself in: now
// Limit + 1 workers are inside. Under Coyote a timed Monitor.Wait is just a wait, so only real threads
// that keep the throttle full for longer than 2 s can see it.
public sealed class Throttle
{
    private const int Looks = 4;

    private readonly object _gate = new();
    private int _inside;

    public Throttle(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        Limit = limit;
    }

    public int Limit { get; }

    public void Enter()
    {
        lock (_gate)
        {
            for (var look = 0; _inside >= Limit && look < Looks; look++)
            {
                Monitor.Wait(_gate, 500);
            }

            _inside++;
        }
    }

    public void Exit()
    {
        lock (_gate)
        {
            if (_inside == 0)
            {
                throw new SemaphoreFullException("Exit was called more times than Enter.");
            }

            _inside--;
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
