namespace Katas.SemaphoreLimit;

// Known wrong: Enter, Exit and Run<T> are right, but Run(Action) just runs the work: a worker that
// uses it never waits for a slot. One overload forgotten is enough to break the limit for everyone.
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

    public void Run(Action work) => work();
}
