namespace Katas.SemaphoreLimit;

// Known right: a counter under C# 13's System.Threading.Lock, with "is a slot free?" and "take it" in ONE
// lock block, and SpinWait between tries (Lock has no Wait/Pulse). Hard for the grader: Coyote sees the
// Lock only through the controlled twin, and a waiting worker never blocks (it spins and sleeps), so it
// must not be mistaken for one that went in or gave up, and its spinning makes every schedule long.
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
        while (!TryTakeSlot())
        {
            spin.SpinOnce();
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

    public void Run(Action work) => Run<object?>(() =>
    {
        work();
        return null;
    });

    private bool TryTakeSlot()
    {
        lock (_gate)
        {
            if (_inside >= Limit)
            {
                return false;
            }

            _inside++;
            return true;
        }
    }
}
