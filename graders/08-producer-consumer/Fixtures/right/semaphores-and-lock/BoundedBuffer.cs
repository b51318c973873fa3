namespace Katas.ProducerConsumer;

// Known right: two SemaphoreSlim count the free and the filled slots instead of Monitor.Wait, and a C# 13
// System.Threading.Lock guards the queue. CompleteAdding hands each semaphore one extra permit, which every
// thread that finds adding complete passes on (Release) before it leaves: one baton wakes all the waiters in
// turn. Hard for the grader: the Lock is compiled as the grader's controlled twin (Katas.Grading/Twins/Lock.cs), so
// Coyote explores it like a `lock` on an object; the semaphores' counts are not the queue's Count; waiters wake one
// after another, not at once.
public sealed class BoundedBuffer<T>
{
    private readonly Lock _gate = new();
    private readonly Queue<T> _items = new();
    private readonly SemaphoreSlim _freeSlots;
    private readonly SemaphoreSlim _filledSlots = new(0);
    private bool _completed;

    public BoundedBuffer(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _freeSlots = new SemaphoreSlim(capacity);
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

    public void Add(T item)
    {
        _freeSlots.Wait();
        lock (_gate)
        {
            if (_completed)
            {
                // Pass the baton on to the next waiting producer.
                _freeSlots.Release();
                throw new InvalidOperationException("The buffer is complete: no more items may be added.");
            }

            _items.Enqueue(item);
        }

        _filledSlots.Release();
    }

    public bool TryTake(out T item)
    {
        _filledSlots.Wait();
        lock (_gate)
        {
            if (!_items.TryDequeue(out item!))
            {
                // Only the baton of CompleteAdding lets a consumer in when nothing is left: pass it on.
                _filledSlots.Release();
                return false;
            }
        }

        _freeSlots.Release();
        return true;
    }

    public void CompleteAdding()
    {
        lock (_gate)
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
        }

        _freeSlots.Release();
        _filledSlots.Release();
    }
}
