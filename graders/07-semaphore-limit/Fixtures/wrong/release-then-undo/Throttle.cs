namespace Katas.SemaphoreLimit;

// Known wrong: an unbounded SemaphoreSlim(limit), and an Exit that releases first and takes the slot back
// if that made too many free ("changes nothing" after all). Alone it looks right: an extra Exit throws
// SemaphoreFullException and the count is as before. But between the Release and the Wait that undoes
// it, the slot is really free: a worker entering at that moment takes it, and three workers are inside a
// Throttle(2). And two such Exits that overlap (an extra one and a worker's) both see the other's slot and both
// take theirs back: two refused, a slot lost. Only an extra Exit that races with workers shows it.
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

    public void Exit()
    {
        _slots.Release();
        if (_slots.CurrentCount > Limit)
        {
            _slots.Wait();
            throw new SemaphoreFullException("Exit was called more times than Enter.");
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
