namespace Katas.SemaphoreLimit;

// Known right: a lock-free semaphore. A worker takes a slot with Interlocked.CompareExchange, which
// checks "still the count I saw?" and writes the new count in one atomic step; if another worker got
// there first it reads again and retries. Waiting workers spin (burning CPU: not what the kata
// recommends), but it is correct, and the grader must not fail it.
public sealed class Throttle
{
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
        while (true)
        {
            var free = Volatile.Read(ref _free);
            if (free > 0 && Interlocked.CompareExchange(ref _free, free - 1, free) == free)
            {
                return;
            }

            Thread.Yield();
        }
    }

    public void Exit()
    {
        while (true)
        {
            var free = Volatile.Read(ref _free);
            if (free == Limit)
            {
                throw new SemaphoreFullException("Exit was called more times than Enter.");
            }

            if (Interlocked.CompareExchange(ref _free, free + 1, free) == free)
            {
                return;
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
