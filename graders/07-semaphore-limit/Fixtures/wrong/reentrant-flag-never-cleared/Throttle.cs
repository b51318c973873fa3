namespace Katas.SemaphoreLimit;

// Known wrong: Enter is made reentrant like `lock` ("a worker that is already inside must not wait for
// itself"), with a per-thread flag, but Exit never clears the flag. A worker's first visit is right; on its
// second visit it walks straight in without taking a slot, and its Exit gives back a slot it never took.
// Workers that each enter once never show it.
public sealed class Throttle
{
    private readonly SemaphoreSlim _slots;
    private readonly ThreadLocal<bool> _holdsSlot = new();

    public Throttle(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        Limit = limit;
        _slots = new SemaphoreSlim(limit, limit);
    }

    public int Limit { get; }

    public void Enter()
    {
        if (_holdsSlot.Value)
        {
            return;
        }

        _slots.Wait();
        _holdsSlot.Value = true;
    }

    public void Exit() => _slots.Release();

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
