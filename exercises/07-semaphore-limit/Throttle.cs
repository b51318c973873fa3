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
/// <remarks>
/// TODO: right now nothing is limited: every worker walks straight in. Make Enter wait while Limit workers
/// are inside, make Exit give the slot back (and throw SemaphoreFullException when there is nothing to give
/// back), and make both Run methods enter, run the work and always exit. See README.md.
/// </remarks>
public sealed class Throttle
{
    public Throttle(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        Limit = limit;
    }

    /// <summary>How many workers may be inside at the same time.</summary>
    public int Limit { get; }

    /// <summary>Waits until fewer than <see cref="Limit"/> workers are inside, then takes a slot.</summary>
    public void Enter()
    {
        // TODO
    }

    /// <summary>Gives a slot back.</summary>
    /// <exception cref="SemaphoreFullException">Exit was called more times than Enter.</exception>
    public void Exit()
    {
        // TODO
    }

    /// <summary>Runs <paramref name="work"/> inside the throttle and returns its result; the slot is given back even if the work throws.</summary>
    public T Run<T>(Func<T> work)
    {
        // TODO: enter first, and give the slot back whatever happens.
        return work();
    }

    /// <summary>Runs <paramref name="work"/> inside the throttle; the slot is given back even if the work throws.</summary>
    public void Run(Action work)
    {
        // TODO
        work();
    }
}
