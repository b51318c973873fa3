namespace Katas.ProducerConsumer;

/// <summary>
/// A bounded producer/consumer pipeline: <see cref="Add"/> puts items into a queue of at most
/// <c>capacity</c> items, <c>consumers</c> threads take them and apply <c>work</c>. The consumers are
/// started at once but begin only after <see cref="Start"/> (the lesson's Event).
/// </summary>
/// <remarks>
/// TODO: this version has no queue and no consumers: Add does the work itself, at once, on the caller's
/// thread, before Start and without any limit. Build the real pipeline: a BlockingCollection with a
/// bounded capacity, consumer threads, and a ManualResetEventSlim they wait on. See README.md.
/// </remarks>
public sealed class Pipeline<TIn, TOut> : IDisposable
{
    private readonly List<TOut> _results = [];
    private readonly Func<TIn, TOut> _work;

    public Pipeline(Func<TIn, TOut> work, int capacity, int consumers)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(consumers, 1);
        _work = work;
    }

    /// <summary>Lets the consumers begin.</summary>
    public void Start()
    {
    }

    /// <summary>Adds an item, waiting while the pipeline holds <c>capacity</c> items not yet taken.</summary>
    public void Add(TIn item) => _results.Add(_work(item));

    /// <summary>
    /// No more items: waits until every consumer has finished and returns all results, in any order.
    /// If any work threw, throws an AggregateException with those exceptions.
    /// </summary>
    public IReadOnlyList<TOut> Complete() => _results;

    public void Dispose()
    {
    }
}
