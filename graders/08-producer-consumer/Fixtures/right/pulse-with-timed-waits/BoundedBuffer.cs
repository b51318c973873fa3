namespace Katas.ProducerConsumer;

// Known right: every wait is Monitor.Wait with a timeout inside the `while` loop that re-checks the condition,
// so a waiting thread also wakes up by itself every 20 ms and looks again; a change wakes one waiter
// (Monitor.Pulse), CompleteAdding wakes all. When a Pulse wakes a thread of the wrong kind (a producer, when only a
// consumer can go on), the wake-up is late by up to 20 ms, never lost for good: slower than PulseAll, not stuck.
// Hard for the grader: Coyote does not model time (there a timed wait never times out), so it reports the lost Pulse
// as a deadlock, which must not be the verdict; and TryTake and Add come back from Monitor.Wait again and again while
// they must go on waiting, so a check must watch the call for longer than the timeout, not count wake-ups.
public sealed class BoundedBuffer<T>
{
    private static readonly TimeSpan s_recheck = TimeSpan.FromMilliseconds(20);
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

    public void Add(T item)
    {
        lock (_gate)
        {
            while (_items.Count >= Capacity && !_completed)
            {
                Monitor.Wait(_gate, s_recheck);
            }

            if (_completed)
            {
                throw new InvalidOperationException("The buffer is complete: no more items may be added.");
            }

            _items.Enqueue(item);
            Monitor.Pulse(_gate);
        }
    }

    public bool TryTake(out T item)
    {
        lock (_gate)
        {
            while (_items.Count == 0 && !_completed)
            {
                Monitor.Wait(_gate, s_recheck);
            }

            if (_items.Count == 0)
            {
                item = default!;
                return false;
            }

            item = _items.Dequeue();
            Monitor.Pulse(_gate);
            return true;
        }
    }

    public void CompleteAdding()
    {
        lock (_gate)
        {
            _completed = true;
            Monitor.PulseAll(_gate);
        }
    }
}
