namespace Katas.SemaphoreLimit;

// Known wrong: Run gives the slot back in `catch` and again in `finally`, which runs after `catch` too.
// A work that throws releases twice: with nobody else inside the second Release throws
// SemaphoreFullException over the work's own exception; with others inside it silently adds a slot.
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
        Enter();
        try
        {
            return work();
        }
        catch
        {
            Exit();
            throw;
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
        catch
        {
            Exit();
            throw;
        }
        finally
        {
            Exit();
        }
    }
}
