namespace Katas.SemaphoreLimit;

// Known wrong: a counting semaphore from Monitor.Wait/PulseAll that waits with `if` instead of `while`.
// Exit wakes every waiting worker (PulseAll), and each of them goes in without looking at the count again.
// With one worker waiting that is harmless; with two or more waiting (more workers than the limit plus one),
// one Exit lets them all in. Three workers through a Throttle(2) never show it.
public sealed class Throttle
{
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
            if (_inside >= Limit)
            {
                Monitor.Wait(_gate);
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
