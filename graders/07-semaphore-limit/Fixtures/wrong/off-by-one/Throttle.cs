namespace Katas.SemaphoreLimit;

// Known wrong: one slot too many (limit + 1), say from mixing up "how many are inside" with "the last
// index". Exit still throws past the top, so only the concurrency check can see it.
public sealed class Throttle
{
    private readonly SemaphoreSlim _slots;

    public Throttle(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        Limit = limit;
        _slots = new SemaphoreSlim(limit + 1, limit + 1);
    }

    public int Limit { get; }

    public void Enter() => _slots.Wait();

    public void Exit() => _slots.Release();

    public T Run<T>(Func<T> work)
    {
        // Enter before `try`: if Enter itself fails, this worker holds no slot, and `finally` must not give one back.
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
