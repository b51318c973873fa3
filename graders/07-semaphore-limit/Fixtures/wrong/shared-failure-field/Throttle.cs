namespace Katas.SemaphoreLimit;

// Known wrong: Run catches the work's exception into a field, gives the slot back, then rethrows from the
// field ("free the slot before anything else"). One field for every worker: when two works fail at the same
// time, one Run rethrows the other's exception, or clears it, so that a failed download returns as if it
// had worked. One failure at a time never shows it.
public sealed class Throttle
{
    private readonly SemaphoreSlim _slots;
    private Exception? _failure;

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
        var result = default(T)!;
        Run(() => { result = work(); });
        return result;
    }

    public void Run(Action work)
    {
        Enter();
        try
        {
            work();
        }
        catch (Exception e)
        {
            _failure = e;
        }
        finally
        {
            Exit();
        }

        if (_failure is { } failure)
        {
            _failure = null;
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
    }
}
