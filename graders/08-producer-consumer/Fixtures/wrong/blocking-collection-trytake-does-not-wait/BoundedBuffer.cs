using System.Collections.Concurrent;

namespace Katas.ProducerConsumer;

// Known wrong: a BlockingCollection<T>(boundedCapacity) wrapper whose TryTake does not wait: TryTake(out item) with no
// time-out returns false at once when the buffer is empty, so a consumer that comes before the producers stops as if
// adding were complete, and the items added later are never taken. Coyote finds it through the BlockingCollection twin
// the grader compiles in (the runtime's type is outside its control).
public sealed class BoundedBuffer<T>
{
    private readonly BlockingCollection<T> _items;

    public BoundedBuffer(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _items = new BlockingCollection<T>(boundedCapacity: capacity);
    }

    public int Capacity { get; }

    public int Count => _items.Count;

    public void Add(T item) => _items.Add(item);

    public bool TryTake(out T item) => _items.TryTake(out item!);

    public void CompleteAdding() => _items.CompleteAdding();
}
