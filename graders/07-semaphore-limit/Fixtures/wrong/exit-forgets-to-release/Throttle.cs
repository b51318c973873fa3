namespace Katas.SemaphoreLimit;

// Known wrong: Exit checks for an Exit without an Enter, as it should, but then never calls Release.
// Every worker that leaves keeps its slot: after two workers a Throttle(2) lets nobody in, ever.
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

    public void Exit()
    {
        if (_slots.CurrentCount == Limit)
        {
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
