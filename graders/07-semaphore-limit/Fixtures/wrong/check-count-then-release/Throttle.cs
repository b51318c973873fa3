namespace Katas.SemaphoreLimit;

// Known wrong: an unbounded SemaphoreSlim(limit) with a hand-made ceiling: Exit looks at CurrentCount and
// throws if every slot is already free, else releases. Alone that is right. But "look" and "release" are
// two steps: an extra Exit and a worker's own Exit that come at the same moment, with one worker inside,
// both see a slot taken and both release, and the throttle has three slots from then on.
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
        if (_slots.CurrentCount >= Limit)
        {
            throw new SemaphoreFullException("Exit was called more times than Enter.");
        }

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
