namespace Katas.SemaphoreLimit;

// Known wrong: SemaphoreSlim(limit) without a maxCount is the lesson's plain Semaphore, not its
// BoundedSemaphore: an Exit without an Enter does not throw, it quietly adds a slot, and from then on
// three workers fit into a throttle of two.
public sealed class Throttle
{
    private readonly SemaphoreSlim _slots;

    public Throttle(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        Limit = limit;
        _slots = new SemaphoreSlim(limit);
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
