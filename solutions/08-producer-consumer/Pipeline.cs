using System.Collections.Concurrent;

namespace Katas.ProducerConsumer;

/// <summary>
/// A bounded producer/consumer pipeline: <see cref="Add"/> puts items into a queue of at most
/// <c>capacity</c> items, <c>consumers</c> threads take them and apply <c>work</c>. The consumers are
/// started at once but begin only after <see cref="Start"/> (the lesson's Event).
/// </summary>
public sealed class Pipeline<TIn, TOut> : IDisposable
{
    // BlockingCollection is Python's queue.Queue(maxsize): Add blocks when full, taking blocks when empty,
    // CompleteAdding ends GetConsumingEnumerable for every consumer.
    private readonly BlockingCollection<TIn> _queue;
    // ManualResetEventSlim is Python's threading.Event: once set, every waiting thread goes on.
    private readonly ManualResetEventSlim _started = new(initialState: false);
    private readonly ConcurrentBag<TOut> _results = [];
    private readonly ConcurrentQueue<Exception> _errors = new();
    private readonly List<Thread> _consumers = [];
    private readonly Func<TIn, TOut> _work;

    public Pipeline(Func<TIn, TOut> work, int capacity, int consumers)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(consumers, 1);
        _work = work;
        _queue = new BlockingCollection<TIn>(boundedCapacity: capacity);
        for (var i = 0; i < consumers; i++)
        {
            var consumer = new Thread(Consume) { IsBackground = true };
            _consumers.Add(consumer);
            consumer.Start();
        }
    }

    /// <summary>Lets the consumers begin.</summary>
    public void Start() => _started.Set();

    /// <summary>Adds an item, waiting while the pipeline holds <c>capacity</c> items not yet taken.</summary>
    public void Add(TIn item) => _queue.Add(item);

    /// <summary>
    /// No more items: waits until every consumer has finished and returns all results, in any order.
    /// If any work threw, throws an AggregateException with those exceptions.
    /// </summary>
    public IReadOnlyList<TOut> Complete()
    {
        _queue.CompleteAdding();
        // Completing before Start would leave the consumers waiting at the start line for ever.
        _started.Set();
        foreach (var consumer in _consumers)
        {
            consumer.Join();
        }

        return _errors.IsEmpty ? [.. _results] : throw new AggregateException(_errors);
    }

    public void Dispose()
    {
        _queue.Dispose();
        _started.Dispose();
    }

    private void Consume()
    {
        _started.Wait();
        foreach (var item in _queue.GetConsumingEnumerable())
        {
            try
            {
                _results.Add(_work(item));
            }
            catch (Exception e)
            {
                // A consumer that died would leave its share of the queue untaken; record and go on.
                _errors.Enqueue(e);
            }
        }
    }
}
