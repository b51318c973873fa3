namespace Katas.ProducerConsumer;

/// <summary>
/// A queue of at most <see cref="Capacity"/> items between producer and consumer threads, built the way
/// the lesson's Condition works: <see cref="Add"/> waits while the buffer is full, <see cref="TryTake"/>
/// waits while it is empty, and <see cref="CompleteAdding"/> tells the consumers that no more is coming.
/// </summary>
public sealed class BoundedBuffer<T>
{
    private readonly object _gate = new();
    private readonly Queue<T> _items = new();
    private bool _completed;

    public BoundedBuffer(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    public int Capacity { get; }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _items.Count;
            }
        }
    }

    /// <summary>Adds an item, waiting while the buffer is full.</summary>
    /// <exception cref="InvalidOperationException">Adding was completed.</exception>
    public void Add(T item)
    {
        lock (_gate)
        {
            // `while`, not `if`: when this thread wakes up, another producer may have filled the free slot first.
            while (_items.Count >= Capacity && !_completed)
            {
                Monitor.Wait(_gate);
            }

            if (_completed)
            {
                throw new InvalidOperationException("The buffer is complete: no more items may be added.");
            }

            _items.Enqueue(item);
            // PulseAll, not Pulse: producers and consumers wait on the same monitor, and a single Pulse may
            // wake a producer when only a consumer can make progress (a lost wake-up, then a deadlock).
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>
    /// Takes the oldest item, waiting while the buffer is empty. Returns false only when adding is complete
    /// and every item has been taken.
    /// </summary>
    public bool TryTake(out T item)
    {
        lock (_gate)
        {
            while (_items.Count == 0 && !_completed)
            {
                Monitor.Wait(_gate);
            }

            if (_items.Count == 0)
            {
                item = default!;
                return false;
            }

            item = _items.Dequeue();
            Monitor.PulseAll(_gate);
            return true;
        }
    }

    /// <summary>No more items will be added: consumers drain what is left and then get false.</summary>
    public void CompleteAdding()
    {
        lock (_gate)
        {
            _completed = true;
            // Wake every waiting consumer (and producer): otherwise they would wait forever for an item.
            Monitor.PulseAll(_gate);
        }
    }
}
