namespace Katas.SemaphoreLimit;

// Known wrong: a lock instead of a semaphore. It never lets too many in, because it lets only one in:
// with Limit = 2 the second worker waits while the first is inside. A lock is a semaphore of 1.
public sealed class Throttle
{
    private readonly object _gate = new();

    public Throttle(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        Limit = limit;
    }

    public int Limit { get; }

    public void Enter() => Monitor.Enter(_gate);

    public void Exit() => Monitor.Exit(_gate);

    public T Run<T>(Func<T> work)
    {
        lock (_gate)
        {
            return work();
        }
    }

    public void Run(Action work)
    {
        lock (_gate)
        {
            work();
        }
    }
}
