using Katas.ProducerConsumer;

namespace Katas.Graders.ProducerConsumer;

/// <summary>
/// The shape of one run of producers, consumers, a completing thread and an observer on one <see cref="BoundedBuffer{T}"/>.
/// </summary>
/// <param name="CompleteAfter">How many Add calls must have ended before the completing thread calls CompleteAdding:
/// 0 lets it race with the first Add, <see cref="int.MaxValue"/> waits until every producer has finished.</param>
/// <param name="ObserverReads">How many times the observer reads Count and Capacity while the others run (0: no
/// observer).</param>
internal sealed record TrafficShape(int Producers, int ItemsEach, int Consumers, int Capacity, int CompleteAfter, int ObserverReads)
{
    public int Items => Producers * ItemsEach;

    public override string ToString() =>
        $"{Producers} producer(s) adding {ItemsEach} item(s) each, {Consumers} consumer(s), a BoundedBuffer({Capacity}), " +
        (CompleteAfter == int.MaxValue
            ? "CompleteAdding once every producer has finished"
            : CompleteAfter == 0 ? "CompleteAdding at any moment, while the producers add" : $"CompleteAdding after {CompleteAfter} Add calls, while the producers add") +
        (ObserverReads > 0 ? ", and a thread reading Count and Capacity all along" : "");
}

/// <summary>
/// Producers, consumers, a thread that calls CompleteAdding and a thread that reads Count and Capacity, all on one
/// <see cref="BoundedBuffer{T}"/> and started together (<see cref="GraderThreads"/>: Coyote's threads in an exploration,
/// real threads behind a start gate in stress runs, where a broken invariant is raised after the joins). Every thread
/// notes where it is, so that a deadlock can be told as "who was waiting where".
/// </summary>
internal sealed class BufferTraffic
{
    private const int NotYet = 0;
    private const int Added = 1;
    private const int Refused = 2;

    private readonly TrafficShape _shape;
    private readonly BoundedBuffer<int> _buffer;
    private readonly string[] _where;
    private readonly int[] _taken;
    private readonly int[] _addState;
    private readonly bool[] _addReturnedAfterComplete;
    // _lastSeen[consumer * producers + producer]: the last item of that producer the consumer took.
    private readonly int[] _lastSeen;
    private readonly object _progress = new();
    private int _addsEnded;
    private int _producersFinished;
    private volatile bool _completeCalled;
    private volatile bool _completeReturned;
    private volatile bool _consumersFinished;
    private volatile bool _abandoned;
    private int _consumersLeft;

    private BufferTraffic(TrafficShape shape)
    {
        _shape = shape;
        _buffer = new BoundedBuffer<int>(shape.Capacity);
        _where = new string[shape.Producers + shape.Consumers + 2];
        _taken = new int[shape.Items];
        _addState = new int[shape.Items];
        _addReturnedAfterComplete = new bool[shape.Items];
        _lastSeen = Enumerable.Repeat(-1, shape.Consumers * shape.Producers).ToArray();
        _consumersLeft = shape.Consumers;
    }

    private int CompleterSlot => _where.Length - 2;

    private int ObserverSlot => _where.Length - 1;

    /// <summary>
    /// Runs the threads of <paramref name="shape"/> to the end and checks what every consumer got; played in
    /// <paramref name="scene"/>, so that after a deadlock the check can say who was stuck.
    /// </summary>
    public static void Run(Scene<BufferTraffic> scene, TrafficShape shape, TimeSpan limit)
    {
        var traffic = scene.Play(new BufferTraffic(shape));
        traffic.RunAll(limit);
        traffic.MustDeliverEveryItemOnce();
    }

    public string ExplainStuck()
    {
        var stuck = _where.Where(place => place is not null && !place.EndsWith("finished", StringComparison.Ordinal)).ToList();
        var who = string.Join("; ", stuck);
        var scenario = $"\nThe run: {_shape}.";
        if (_completeReturned && stuck.Any(place => place.StartsWith("producer", StringComparison.Ordinal)))
        {
            return $"CompleteAdding had returned, but a producer was left waiting inside Add for ever ({who}). A producer that " +
                "waits on a full buffer when adding is completed must wake up and throw InvalidOperationException: end the wait " +
                "loop when adding is complete (`while (count >= Capacity && !completed)`), then check `completed`." + scenario;
        }

        if (_completeReturned && stuck.All(place => !place.StartsWith("producer", StringComparison.Ordinal)))
        {
            return $"CompleteAdding was called, but consumers were left waiting for ever ({who}). CompleteAdding must wake every " +
                "waiting consumer (Monitor.PulseAll), and a consumer must give up waiting once adding is complete and the buffer " +
                "is empty." + scenario;
        }

        return $"Every thread was waiting and none was left to wake the others ({who}). A wake-up was lost: producers and " +
            "consumers wait on the same monitor, so Monitor.Pulse may wake a thread of the wrong kind (a producer, when only " +
            "a consumer could go on) and the one that could go on sleeps for ever. Use Monitor.PulseAll after every change, " +
            "and re-check the condition in a `while` loop around Monitor.Wait." + scenario;
    }

    private void RunAll(TimeSpan limit)
    {
        var threads = new GraderThreads();
        for (var p = 0; p < _shape.Producers; p++)
        {
            var producer = p;
            threads.Add(() => Produce(producer));
        }

        for (var c = 0; c < _shape.Consumers; c++)
        {
            var consumer = c;
            threads.Add(() => Consume(consumer));
        }

        threads.Add(Complete);
        if (_shape.ObserverReads > 0)
        {
            threads.Add(Observe);
        }

        threads.Start();
        if (Invariant.IsExploring)
        {
            // Coyote's threads: Join waits, and Coyote reports a deadlock itself.
            threads.Join(limit);
            return;
        }

        // Real threads: join in short slices, so that a broken invariant (raised by Join) ends the run at once instead of
        // after the limit, when the thread it stopped leaves the others waiting for ever.
        var deadline = DateTime.UtcNow + limit;
        try
        {
            while (!threads.Join(TimeSpan.FromMilliseconds(50)))
            {
                Invariant.Holds(DateTime.UtcNow < deadline, $"The threads did not finish within {limit.TotalSeconds:0.#} s. {ExplainStuck()}");
            }
        }
        finally
        {
            // Stuck threads of a failed run stay behind; the observer must not read Count for ever beside them.
            _abandoned = true;
        }
    }

    /// <summary>Every item whose Add returned was taken exactly once, no refused item was taken, and nothing is left.</summary>
    private void MustDeliverEveryItemOnce()
    {
        for (var item = 0; item < _taken.Length; item++)
        {
            if (_addState[item] == Refused)
            {
                Invariant.Holds(_taken[item] == 0,
                    $"Add({item}) threw InvalidOperationException, yet item {item} was taken {_taken[item]} time(s): an Add that " +
                    $"throws must not have put its item in the buffer. The run: {_shape}.");
                continue;
            }

            Invariant.Holds(_taken[item] <= 1,
                $"Item {item} was taken {_taken[item]} times: two consumers took the same item. Take it out of the queue under " +
                $"the same lock that checks the queue is not empty. The run: {_shape}.");
            Invariant.Holds(_taken[item] == 1, _addReturnedAfterComplete[item]
                ? $"Add({item}) returned normally after CompleteAdding() had returned, and item {item} was never taken: a producer " +
                  "that was waiting on a full buffer when adding was completed went on and added its item after the consumers had " +
                  "stopped. After CompleteAdding, Add must throw InvalidOperationException, also in a producer that was waiting: " +
                  $"end the wait loop when adding is complete (`while (count >= Capacity && !completed)`), then check. The run: {_shape}."
                : $"Item {item} was added (its Add returned normally) but never taken: the consumers stopped while it was still in " +
                  "the buffer. TryTake may return false only when adding is complete AND the buffer is empty; the items added " +
                  $"before CompleteAdding must still be taken. The run: {_shape}.");
        }

        var left = _buffer.Count;
        Invariant.Holds(left == 0,
            $"Every consumer's TryTake returned false, but Count says {left} item(s) are still in the buffer. The run: {_shape}.");
    }

    private void Produce(int producer)
    {
        try
        {
            for (var i = 0; i < _shape.ItemsEach; i++)
            {
                var item = producer * _shape.ItemsEach + i;
                var calledAfterComplete = _completeReturned;
                _where[producer] = $"producer {producer + 1} inside Add({item})";
                try
                {
                    _buffer.Add(item);
                }
                catch (InvalidOperationException)
                {
                    Invariant.Holds(_completeCalled,
                        $"Add({item}) threw InvalidOperationException, but CompleteAdding had not been called: Add must wait for a " +
                        $"free slot, and throw only once adding is complete. The run: {_shape}.");
                    _addState[item] = Refused;
                    AddEnded();
                    continue;
                }

                Invariant.Holds(!calledAfterComplete,
                    $"Add({item}) was called after CompleteAdding() had returned, but it did not throw InvalidOperationException: " +
                    $"it must, so that a producer learns that nobody takes its items any more. The run: {_shape}.");
                _addState[item] = Added;
                _addReturnedAfterComplete[item] = _completeReturned;
                AddEnded();
                CheckCount();
            }
        }
        finally
        {
            _where[producer] = $"producer {producer + 1} finished";
            if (Interlocked.Increment(ref _producersFinished) == _shape.Producers)
            {
                lock (_progress)
                {
                    Monitor.PulseAll(_progress);
                }
            }
        }
    }

    private void AddEnded()
    {
        // Wake the completing thread only when it may go on: a wake-up per Add would slow the stress runs down.
        if (Interlocked.Increment(ref _addsEnded) == _shape.CompleteAfter)
        {
            lock (_progress)
            {
                Monitor.PulseAll(_progress);
            }
        }
    }

    private void Complete()
    {
        var slot = CompleterSlot;
        _where[slot] = _shape.CompleteAfter == int.MaxValue
            ? "the completing thread waiting for the producers to finish"
            : "the completing thread waiting for the producers to start";
        lock (_progress)
        {
            while (Volatile.Read(ref _producersFinished) < _shape.Producers && Volatile.Read(ref _addsEnded) < _shape.CompleteAfter)
            {
                Monitor.Wait(_progress);
            }
        }

        _where[slot] = "the completing thread inside CompleteAdding()";
        _completeCalled = true;
        _buffer.CompleteAdding();
        _completeReturned = true;
        _where[slot] = "the completing thread finished";
    }

    private void Consume(int consumer)
    {
        var slot = _shape.Producers + consumer;
        var name = $"consumer {consumer + 1}";
        try
        {
            while (true)
            {
                _where[slot] = $"{name} inside TryTake";
                if (!_buffer.TryTake(out var item))
                {
                    Invariant.Holds(_completeCalled,
                        $"Consumer {consumer + 1}'s TryTake returned false, but CompleteAdding had not been called: more items " +
                        "were coming. A consumer woke up, found the buffer empty (another consumer had taken the item first) " +
                        "and gave up. Wait in a `while` loop: `while (empty && !completed) Monitor.Wait(gate);`. " +
                        $"The run: {_shape}.");
                    break;
                }

                Invariant.Holds(item >= 0 && item < _taken.Length, $"TryTake returned {item}, which no producer added. The run: {_shape}.");
                Interlocked.Increment(ref _taken[item]);
                var producer = item / _shape.ItemsEach;
                var seen = consumer * _shape.Producers + producer;
                Invariant.Holds(item > _lastSeen[seen],
                    $"Consumer {consumer + 1} took item {item} after item {_lastSeen[seen]}, which producer {producer + 1} added " +
                    $"later: TryTake must take the oldest item (a queue: first in, first out). The run: {_shape}.");
                _lastSeen[seen] = item;
                CheckCount();
            }
        }
        finally
        {
            _where[slot] = $"{name} finished";
            lock (_progress)
            {
                _consumersLeft--;
                _consumersFinished = _consumersLeft == 0;
            }
        }
    }

    /// <summary>Count and Capacity, read while every other member runs.</summary>
    private void Observe()
    {
        var slot = ObserverSlot;
        _where[slot] = "the observer reading Count";
        // Under Coyote a fixed number of reads (each one a scheduling point); on real threads, all along the run.
        for (var read = 0; read < _shape.ObserverReads && (Invariant.IsExploring || !(_consumersFinished || _abandoned)); read++)
        {
            if (!Invariant.IsExploring)
            {
                // On real threads, let the others run between reads: a reader spinning on the lock takes a core of two.
                Thread.Yield();
            }

            CheckCount();
            var capacity = _buffer.Capacity;
            Invariant.Holds(capacity == _shape.Capacity,
                $"Capacity said {capacity} while the threads ran, but the buffer was created with capacity {_shape.Capacity}. The run: {_shape}.");
        }

        _where[slot] = "the observer finished";
    }

    private void CheckCount()
    {
        var count = _buffer.Count;
        Invariant.Holds(count <= _shape.Capacity,
            $"Count said {count} items, but the capacity is {_shape.Capacity}. Add must wait while the buffer is full, and check " +
            "again after every wake-up (another producer may have filled the slot first): `while (count >= Capacity && " +
            "!completed) Monitor.Wait(gate);`, a `while`, not an `if`; and Count must read the queue under the same lock. " +
            $"The run: {_shape}.");
        Invariant.Holds(count >= 0,
            $"Count said {count} while the threads ran: a buffer never holds fewer than 0 items. Count must read the queue " +
            $"under the same lock that Add and TryTake change it under. The run: {_shape}.");
    }
}
