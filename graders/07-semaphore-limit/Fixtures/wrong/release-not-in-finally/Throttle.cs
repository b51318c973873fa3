namespace Katas.SemaphoreLimit;

// Known wrong: Run gives the slot back after the work, not in `finally`. When the work throws, Exit is
// skipped and the slot is gone for good: after two failed downloads a Throttle(2) lets nobody in.
public sealed class Throttle
{
    private readonly SemaphoreSlim _slots;

    public Throttle(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        Limit = limit;
        _slots = new SemaphoreSlim(limit, limit);
    }

    public int Limit { get; }

    public void Enter() => _slots.Wait();

    public void Exit() => _slots.Release();

    public T Run<T>(Func<T> work)
    {
        Enter();
        var result = work();
        Exit();
        return result;
    }

    public void Run(Action work)
    {
        Enter();
        work();
        Exit();
    }
}
