namespace Katas.SemaphoreLimit;

// Known wrong: Run calls Enter inside `try`, so `finally` calls Exit even when Enter failed. SemaphoreSlim.Wait
// fails when the waiting thread is interrupted (Thread.Interrupt, how a program stops a blocked worker): then
// the worker never got a slot, yet `finally` gives one back, and the full Throttle(2) now has a slot free
// for a third worker. With works that return or throw it behaves exactly like the reference.
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
        try
        {
            Enter();
            return work();
        }
        finally
        {
            Exit();
        }
    }

    public void Run(Action work)
    {
        try
        {
            Enter();
            work();
        }
        finally
        {
            Exit();
        }
    }
}
