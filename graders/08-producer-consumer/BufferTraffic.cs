using Katas.ProducerConsumer;

namespace Katas.Graders.ProducerConsumer;

/// <summary>
/// Producers and consumers on one <see cref="BoundedBuffer{T}"/>, started together. Every thread notes
/// where it is, so that a deadlock can be told as "who was waiting where".
/// </summary>
internal sealed class BufferTraffic
{
    private readonly BoundedBuffer<int> _buffer;
    private readonly string[] _where;
    private readonly int[] _taken;
    private readonly int _producers;
    private volatile bool _completing;

    private BufferTraffic(int producers, int itemsEach, int consumers, int capacity)
    {
        _buffer = new BoundedBuffer<int>(capacity);
        _producers = producers;
        _where = new string[producers + consumers + 1];
        _taken = new int[producers * itemsEach];
        Capacity = capacity;
        ItemsEach = itemsEach;
        Consumers = consumers;
    }

    /// <summary>The traffic of the schedule that ran last: after a deadlock, it says who was stuck.</summary>
    public static BufferTraffic? Last { get; private set; }

    public int Capacity { get; }

    public int ItemsEach { get; }

    public int Consumers { get; }

    public static BufferTraffic Run(int producers, int itemsEach, int consumers, int capacity)
    {
        var traffic = new BufferTraffic(producers, itemsEach, consumers, capacity);
        Last = traffic;
        traffic.RunAll();
        return traffic;
    }

    /// <summary>Every item taken exactly once.</summary>
    public void MustDeliverEveryItemOnce()
    {
        for (var item = 0; item < _taken.Length; item++)
        {
            Invariant.Holds(_taken[item] == 1, _taken[item] == 0
                ? $"Item {item} was added but never taken: the consumers stopped while it was still in the buffer."
                : $"Item {item} was taken {_taken[item]} times: two consumers took the same item. Take it out of the queue " +
                  "under the same lock that checks the queue is not empty.");
        }
    }

    public string ExplainStuck()
    {
        var stuck = _where.Where(place => place is not null && !place.EndsWith("finished", StringComparison.Ordinal)).ToList();
        var who = string.Join("; ", stuck);
        return _completing && stuck.All(place => place.StartsWith("consumer", StringComparison.Ordinal))
            ? $"CompleteAdding was called, but consumers were left waiting for ever ({who}). CompleteAdding must wake every " +
              "waiting consumer (Monitor.PulseAll), and a consumer must give up waiting once adding is complete and the buffer is empty."
            : $"Every thread was waiting and none was left to wake the others ({who}). A wake-up was lost: producers and " +
              "consumers wait on the same monitor, so Monitor.Pulse may wake a thread of the wrong kind (a producer, when only " +
              "a consumer could go on) and the one that could go on sleeps for ever. Use Monitor.PulseAll after every change, " +
              "and re-check the condition in a `while` loop around Monitor.Wait.";
    }

    private void RunAll()
    {
        // Unnamed threads on purpose: Coyote loses control of a thread whose Name is set.
        var producers = Enumerable.Range(0, _producers).Select(p => new Thread(() => Produce(p))).ToList();
        var consumers = Enumerable.Range(0, Consumers).Select(c => new Thread(() => Consume(_producers + c, c + 1))).ToList();
        producers.ForEach(thread => thread.Start());
        consumers.ForEach(thread => thread.Start());
        producers.ForEach(thread => thread.Join());

        var main = _where.Length - 1;
        _where[main] = "the main thread inside CompleteAdding()";
        _completing = true;
        _buffer.CompleteAdding();
        _where[main] = "main thread finished";
        consumers.ForEach(thread => thread.Join());
    }

    private void Produce(int producer)
    {
        for (var i = 0; i < ItemsEach; i++)
        {
            var item = producer * ItemsEach + i;
            _where[producer] = $"producer {producer + 1} inside Add({item})";
            _buffer.Add(item);
            CheckCapacity();
        }

        _where[producer] = $"producer {producer + 1} finished";
    }

    private void Consume(int slot, int consumer)
    {
        while (true)
        {
            _where[slot] = $"consumer {consumer} inside TryTake";
            if (!_buffer.TryTake(out var item))
            {
                Invariant.Holds(_completing,
                    $"Consumer {consumer}'s TryTake returned false, but CompleteAdding had not been called: more items were " +
                    "coming. A consumer woke up, found the buffer empty (another consumer had taken the item first) and gave " +
                    "up. Wait in a `while` loop: `while (empty && !completed) Monitor.Wait(gate);`.");
                break;
            }

            Invariant.Holds(item >= 0 && item < _taken.Length, $"TryTake returned {item}, which no producer added.");
            Interlocked.Increment(ref _taken[item]);
            CheckCapacity();
        }

        _where[slot] = $"consumer {consumer} finished";
    }

    private void CheckCapacity()
    {
        var count = _buffer.Count;
        Invariant.Holds(count <= Capacity,
            $"The buffer held {count} items, but its capacity is {Capacity}. Add must wait while the buffer is full, and check " +
            "again after every wake-up (another producer may have filled the slot first): " +
            "`while (count == capacity) Monitor.Wait(gate);`, a `while`, not an `if`.");
    }
}
