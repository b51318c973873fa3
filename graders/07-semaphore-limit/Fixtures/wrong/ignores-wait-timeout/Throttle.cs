namespace Katas.SemaphoreLimit;

// Known wrong: Enter waits with a time-out "so that nothing can hang", but ignores what Wait returns.
// When the time-out passes, Wait returns false, no slot was taken, and the worker walks in anyway;
// its Exit then gives back a slot it never had.
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

    public void Enter() => _slots.Wait(TimeSpan.FromMilliseconds(100));

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
