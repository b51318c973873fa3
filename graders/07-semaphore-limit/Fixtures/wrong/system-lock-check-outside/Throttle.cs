namespace Katas.SemaphoreLimit;

// Known wrong: a counter under C# 13's System.Threading.Lock, but Enter looks at the count outside the lock
// ("reading an int is atomic") and takes the lock only to count itself in. Two workers spinning at a full
// throttle both see the slot that an Exit frees, and both go in: three inside a Throttle(2). Coyote 1.7.11 does
// not know the runtime's Lock; with the controlled twin (graders/Katas.Grading/Twins/Lock.cs) it finds this in
// interleaving 1, on every run. Without the twin only real threads could catch it, and only by chance (caught in
// 8 of 8 direct runs at load average 70, missed once in the suite).
public sealed class Throttle
{
    private readonly Lock _gate = new();
    private int _inside;

    public Throttle(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        Limit = limit;
    }

    public int Limit { get; }

    public void Enter()
    {
        var spin = new SpinWait();
        while (Volatile.Read(ref _inside) >= Limit)
        {
            spin.SpinOnce();
        }

        lock (_gate)
        {
            _inside++;
        }
    }

    public void Exit()
    {
        lock (_gate)
        {
            if (_inside == 0)
            {
                throw new SemaphoreFullException("Exit was called more times than Enter.");
            }

            _inside--;
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
