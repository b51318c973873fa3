namespace Katas.SemaphoreLimit;

/// <summary>
/// Lets at most <see cref="Limit"/> workers do their work at the same time: a site that allows two
/// downloads at once, a database that takes ten connections. The others wait at <see cref="Enter"/> until
/// a worker inside calls <see cref="Exit"/>.
/// </summary>
/// <example>
/// <code>
/// var downloads = new Throttle(2);
/// // on any number of threads:
/// var page = downloads.Run(() => client.GetString(url));
/// </code>
/// </example>
public sealed class Throttle
{
    // The lesson's BoundedSemaphore(limit): `limit` free slots to start with, and maxCount = limit, so a
    // Release that would make more than `limit` slots free throws SemaphoreFullException instead of quietly
    // giving the throttle an extra slot. `new SemaphoreSlim(limit)` alone would be the lesson's plain
    // Semaphore, whose count can grow without bound.
    private readonly SemaphoreSlim _slots;

    public Throttle(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        Limit = limit;
        _slots = new SemaphoreSlim(limit, limit);
    }

    /// <summary>How many workers may be inside at the same time.</summary>
    public int Limit { get; }

    /// <summary>Waits until fewer than <see cref="Limit"/> workers are inside, then takes a slot.</summary>
    public void Enter() => _slots.Wait();

    /// <summary>Gives a slot back.</summary>
    /// <exception cref="SemaphoreFullException">Exit was called more times than Enter.</exception>
    public void Exit() => _slots.Release();

    /// <summary>Runs <paramref name="work"/> inside the throttle and returns its result; the slot is given back even if the work throws.</summary>
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

    /// <summary>Runs <paramref name="work"/> inside the throttle; the slot is given back even if the work throws.</summary>
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
