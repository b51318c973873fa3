namespace Katas.SemaphoreLimit;

// Known wrong: Exit refuses any thread that did not Enter itself (a per-thread count), to catch "an Exit
// without an Enter" more strictly than SemaphoreSlim does. But a semaphore does not know who entered: a
// worker that enters on one thread and hands its slot to another thread to give back (a download started
// here and finished in a callback there) gets SemaphoreFullException although Exit was not called more
// times than Enter, and its slot is never given back.
public sealed class Throttle
{
    private readonly SemaphoreSlim _slots;
    private readonly ThreadLocal<int> _entered = new(() => 0);

    public Throttle(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        Limit = limit;
        _slots = new SemaphoreSlim(limit, limit);
    }

    public int Limit { get; }

    public void Enter()
    {
        _slots.Wait();
        _entered.Value++;
    }

    public void Exit()
    {
        if (_entered.Value == 0)
        {
            throw new SemaphoreFullException("This thread has not entered the throttle.");
        }

        _entered.Value--;
        _slots.Release();
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
