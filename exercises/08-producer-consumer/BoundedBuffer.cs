namespace Katas.ProducerConsumer;

/// <summary>
/// A queue of at most <see cref="Capacity"/> items between producer and consumer threads, built the way
/// the lesson's Condition works: <see cref="Add"/> waits while the buffer is full, <see cref="TryTake"/>
/// waits while it is empty, and <see cref="CompleteAdding"/> tells the consumers that no more is coming.
/// </summary>
/// <remarks>
/// TODO: nothing here waits and nothing is locked: Add never stops at Capacity, TryTake gives up as soon
/// as the buffer is momentarily empty, and two threads may touch the queue at once. Make it a real
/// bounded buffer with one lock and Monitor.Wait / Monitor.PulseAll. See README.md.
/// </remarks>
public sealed class BoundedBuffer<T>
{
    private readonly Queue<T> _items = new();
    private bool _completed;

    public BoundedBuffer(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    public int Capacity { get; }

    public int Count => _items.Count;

    /// <summary>Adds an item, waiting while the buffer is full.</summary>
    /// <exception cref="InvalidOperationException">Adding was completed.</exception>
    public void Add(T item)
    {
        if (_completed)
        {
            throw new InvalidOperationException("The buffer is complete: no more items may be added.");
        }

        _items.Enqueue(item);
    }

    /// <summary>
    /// Takes the oldest item, waiting while the buffer is empty. Returns false only when adding is complete
    /// and every item has been taken.
    /// </summary>
    public bool TryTake(out T item) => _items.TryDequeue(out item!);

    /// <summary>No more items will be added: consumers drain what is left and then get false.</summary>
    public void CompleteAdding() => _completed = true;
}
