namespace Katas.SemaphoreLimit;

// Known right: System.Threading.Semaphore, the operating system's semaphore (it can even be shared
// between processes). Semaphore(limit, limit) is bounded like SemaphoreSlim(limit, limit): Release past
// the top throws SemaphoreFullException. Coyote 1.7 cannot see inside it, so the grader must notice
// and check it on real threads instead of failing it.
public sealed class Throttle
{
    private readonly Semaphore _slots;

    public Throttle(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        Limit = limit;
        _slots = new Semaphore(limit, limit);
    }

    public int Limit { get; }

    public void Enter() => _slots.WaitOne();

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
