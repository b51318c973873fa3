namespace Katas.SemaphoreLimit;

// Known wrong: a hand-made counter that checks, then acts. Two workers can both see "1 inside" before
// either has counted itself in, and both go in: three inside a throttle of two. (`_inside++` and
// `_inside--` are not atomic either, so counts can even get lost.)
public sealed class Throttle
{
    private int _inside;

    public Throttle(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        Limit = limit;
    }

    public int Limit { get; }

    public void Enter()
    {
        while (_inside >= Limit)
        {
            Thread.Yield();
        }

        _inside++;
    }

    public void Exit()
    {
        if (_inside == 0)
        {
            throw new SemaphoreFullException();
        }

        _inside--;
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
