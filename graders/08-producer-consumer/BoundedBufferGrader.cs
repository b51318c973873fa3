using Katas.ProducerConsumer;

namespace Katas.Graders.ProducerConsumer;

/// <summary>The lesson's Condition: a bounded buffer built with Monitor.Wait and Monitor.PulseAll.</summary>
public sealed class BoundedBufferGrader
{
    internal const string ReadNext =
        "exercises/08-producer-consumer/README.md, and https://learn.microsoft.com/dotnet/api/system.threading.monitor.wait";

    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a call that must wait is watched before the grader decides it does wait: longer than the timeouts a
    /// student may give a wait (Monitor.Wait(gate, 1000) that gives up), so that giving up shows.
    /// </summary>
    private static readonly TimeSpan s_outlast = TimeSpan.FromSeconds(1.5);

    /// <summary>How long a call that must wait is watched when no plausible timeout is at stake.</summary>
    private static readonly TimeSpan s_watch = TimeSpan.FromMilliseconds(300);

    [Test, OnRealThreads]
    public void One_thread_gets_its_items_back_in_order()
    {
        var buffer = new BoundedBuffer<int>(3);
        buffer.Capacity.Should().Be(3, "the buffer was created with capacity 3");
        Bounded.Run(s_limit, "adding 1, 2, 3 to a BoundedBuffer(3)", () =>
        {
            buffer.Add(1);
            buffer.Add(2);
            buffer.Add(3);
        });
        buffer.Count.Should().Be(3, "three items were added");

        var taken = Bounded.Run(s_limit, "taking three items", () =>
            Enumerable.Range(0, 3).Select(_ => buffer.TryTake(out var item) ? item : -1).ToList());
        taken.Should().Equal([1, 2, 3], "a buffer is a queue: first in, first out");
        buffer.Count.Should().Be(0, "every item was taken");

        Bounded.Run(s_limit, "calling CompleteAdding", buffer.CompleteAdding);
        Bounded.Run(s_limit, "calling TryTake on a completed, empty buffer", () => buffer.TryTake(out _)).Should()
            .BeFalse("TryTake returns false once adding is complete and nothing is left");
        Bounded.Catch(s_limit, "calling Add(4) after CompleteAdding", () => buffer.Add(4)).Should()
            .BeOfType<InvalidOperationException>("nothing may be added after CompleteAdding");
    }

    [Test, OnRealThreads]
    public void Items_added_before_CompleteAdding_are_still_taken()
    {
        var buffer = new BoundedBuffer<int>(3);
        Bounded.Run(s_limit, "adding 1 and 2 to a BoundedBuffer(3), then calling CompleteAdding", () =>
        {
            buffer.Add(1);
            buffer.Add(2);
            buffer.CompleteAdding();
        });

        var taken = Bounded.Run(s_limit, "calling TryTake three times on a completed buffer that holds 1 and 2", () =>
            Enumerable.Range(0, 3).Select(_ => buffer.TryTake(out var item) ? item.ToString() : "false").ToList());
        Invariant.Holds(taken.SequenceEqual(["1", "2", "false"]),
            $"Items 1 and 2 were added, then CompleteAdding was called; three TryTake calls gave [{string.Join(", ", taken)}], " +
            "not [1, 2, false]. CompleteAdding means \"no more items\", not \"throw the rest away\": TryTake returns false only " +
            $"when adding is complete AND the buffer is empty. Read next: {ReadNext}");
    }

    [Core]
    [Test, OnRealThreads]
    public void TryTake_waits_for_an_item()
    {
        var buffer = new BoundedBuffer<int>(1);
        var consumer = new WatchedCall<int>(() => buffer.TryTake(out var item) ? item : -1);

        Invariant.Holds(!consumer.EndsWithin(s_outlast),
            $"TryTake {Describe(consumer)} after {consumer.Elapsed.TotalSeconds:0.0} s on an empty buffer that " +
            "was not complete: it must wait for an item however long that takes (more items were coming: Add(5) came " +
            $"{s_outlast.TotalSeconds:0.#} s later). No timeout: `while (empty && !completed) Monitor.Wait(gate);`. Read next: {ReadNext}");
        Bounded.Run(s_limit, "adding 5 while a consumer waits", () => buffer.Add(5));
        Invariant.Holds(consumer.EndsWithin(s_limit),
            $"A consumer was waiting in TryTake on an empty buffer; Add(5) came, and the consumer still waited {s_limit.TotalSeconds:0} s " +
            $"later: Add must wake the waiting consumers (Monitor.PulseAll after the change). Read next: {ReadNext}");
        consumer.Result.Should().Be(5, "the waiting consumer gets the item that was added");
    }

    [Core]
    [Test, OnRealThreads]
    public void Add_waits_while_the_buffer_is_full()
    {
        var buffer = new BoundedBuffer<int>(1);
        Bounded.Run(s_limit, "adding 1 to a BoundedBuffer(1)", () => buffer.Add(1));
        var producer = new WatchedCall<int>(() =>
        {
            buffer.Add(2);
            return 0;
        });

        Invariant.Holds(!producer.EndsWithin(s_watch),
            $"Add(2) on a full BoundedBuffer(1) {(producer.Error is null ? "returned" : $"threw {producer.Error.GetType().Name}")} after " +
            $"{producer.Elapsed.TotalSeconds:0.0} s: it must wait until a consumer takes an item, however long that takes " +
            $"(`while (count >= Capacity && !completed) Monitor.Wait(gate);`). Read next: {ReadNext}");
        Bounded.Run(s_limit, "taking from a full buffer", () => buffer.TryTake(out var item) ? item : -1).Should().Be(1);
        Invariant.Holds(producer.EndsWithin(s_limit),
            $"A producer was waiting in Add(2) on a full buffer; TryTake took item 1, and the producer still waited " +
            $"{s_limit.TotalSeconds:0} s later: TryTake must wake the waiting producers (Monitor.PulseAll). Read next: {ReadNext}");
        producer.Error.Should().BeNull("Add(2) got a free slot");
        buffer.Count.Should().Be(1, "the waiting producer's item is in the buffer now");
    }

    [Test, OnRealThreads]
    public void CompleteAdding_wakes_every_waiting_consumer()
    {
        const int Consumers = 3;
        var buffer = new BoundedBuffer<int>(2);
        var consumers = Enumerable.Range(0, Consumers).Select(_ => new WatchedCall<bool>(() => buffer.TryTake(out _))).ToList();
        WatchedCall<bool>.UntilAllWait(consumers, s_outlast);
        var early = consumers.Count(consumer => consumer.HasEnded);
        Invariant.Holds(early == 0,
            $"{early} of {Consumers} consumers' TryTake returned on an empty buffer before CompleteAdding was called: TryTake " +
            $"must wait while the buffer is empty and adding is not complete. Read next: {ReadNext}");

        Bounded.Run(s_limit, $"calling CompleteAdding while {Consumers} consumers wait", buffer.CompleteAdding);

        var stuck = consumers.Count(consumer => !consumer.EndsWithin(s_limit));
        Invariant.Holds(stuck == 0,
            $"{Consumers} consumers were waiting in TryTake on an empty buffer when CompleteAdding was called; {stuck} of them " +
            $"still waited {s_limit.TotalSeconds:0} s later. After CompleteAdding no item will ever come: every waiting consumer " +
            "must wake up and get false, or it waits for ever (Monitor.PulseAll in CompleteAdding wakes them all; Monitor.Pulse " +
            $"wakes one). Read next: {ReadNext}");
        consumers.Select(consumer => consumer.Result).Should().AllBeEquivalentTo(false, "an empty, completed buffer has nothing to give");
    }

    [Test, OnRealThreads]
    public void CompleteAdding_stops_a_waiting_producer()
    {
        var buffer = new BoundedBuffer<int>(1);
        Bounded.Run(s_limit, "adding 1 to a BoundedBuffer(1)", () => buffer.Add(1));
        var producer = new WatchedCall<int>(() =>
        {
            buffer.Add(2);
            return 0;
        });
        WatchedCall<int>.UntilAllWait([producer], s_outlast);

        Bounded.Run(s_limit, "calling CompleteAdding while a producer waits in Add(2) on a full buffer", buffer.CompleteAdding);

        Invariant.Holds(producer.EndsWithin(s_limit),
            "A producer was waiting in Add(2) on a full BoundedBuffer(1) when CompleteAdding was called, and it still waited " +
            $"{s_limit.TotalSeconds:0} s later. After CompleteAdding, Add throws InvalidOperationException, also in a producer " +
            "that was waiting: CompleteAdding must wake the producers too (Monitor.PulseAll), and Add's wait loop must end when " +
            $"adding is complete (`while (count >= Capacity && !completed)`), then check `completed` and throw. Read next: {ReadNext}");
        Invariant.Holds(producer.Error is InvalidOperationException,
            producer.Error is null
                ? "A producer was waiting in Add(2) on a full buffer when CompleteAdding was called, and its Add then returned " +
                  "normally: after CompleteAdding, Add must throw InvalidOperationException, also in a producer that was waiting " +
                  $"(check `completed` after the wait loop). Read next: {ReadNext}"
                : $"A producer waiting in Add(2) when CompleteAdding was called threw {producer.Error.GetType().Name} " +
                  $"({producer.Error.Message}), not InvalidOperationException. Read next: {ReadNext}");

        var taken = Bounded.Run(s_limit, "calling TryTake twice after CompleteAdding", () =>
            Enumerable.Range(0, 2).Select(_ => buffer.TryTake(out var item) ? item.ToString() : "false").ToList());
        Invariant.Holds(taken.SequenceEqual(["1", "false"]),
            $"After CompleteAdding stopped the producer of 2, two TryTake calls gave [{string.Join(", ", taken)}], not [1, false]: " +
            $"item 1 was added before CompleteAdding and must be taken; item 2's Add threw, so 2 was never added. Read next: {ReadNext}");
    }

    [Core]
    [Test]
    public void Producers_and_consumers_lose_nothing_and_never_deadlock() => Verify(
        "with several producers and consumers, every item is taken exactly once and in order, the capacity holds, and nobody " +
        "is left waiting",
        // Two producers of three items, three consumers, capacity 1: every wait and wake-up happens.
        explored: new TrafficShape(Producers: 2, ItemsEach: 3, Consumers: 3, Capacity: 1, CompleteAfter: int.MaxValue, ObserverReads: 3),
        stressed: new TrafficShape(Producers: 3, ItemsEach: 300, Consumers: 3, Capacity: 2, CompleteAfter: int.MaxValue, ObserverReads: int.MaxValue));

    [Test]
    public void CompleteAdding_while_producers_add_and_consumers_wait() => Verify(
        "when CompleteAdding comes while producers are adding and consumers are waiting, an Add after it throws " +
        "InvalidOperationException, every item whose Add returned is taken exactly once, and nobody is left waiting",
        explored: new TrafficShape(Producers: 2, ItemsEach: 2, Consumers: 2, Capacity: 2, CompleteAfter: 0, ObserverReads: 3),
        stressed: new TrafficShape(Producers: 3, ItemsEach: 200, Consumers: 2, Capacity: 3, CompleteAfter: 300, ObserverReads: int.MaxValue));

    [Test]
    public void More_consumers_than_items_all_stop_at_CompleteAdding() => Verify(
        "with more consumers than items, every item is taken exactly once, and CompleteAdding (while the producer adds) " +
        "lets every other consumer stop",
        explored: new TrafficShape(Producers: 1, ItemsEach: 2, Consumers: 4, Capacity: 1, CompleteAfter: 0, ObserverReads: 2),
        stressed: new TrafficShape(Producers: 1, ItemsEach: 3, Consumers: 6, Capacity: 1, CompleteAfter: 2, ObserverReads: int.MaxValue),
        // A small scenario (a producer of two items): fewer schedules to tell apart.
        iterations: 50);

    private static void Verify(string property, TrafficShape explored, TrafficShape stressed, uint iterations = 100)
    {
        var traffic = new Scene<BufferTraffic>();
        new ConcurrencyCheck
        {
            KataType = typeof(BoundedBuffer<>),
            Property = property,
            Iteration = () => BufferTraffic.Run(traffic, explored, s_limit),
            StressIteration = () => BufferTraffic.Run(traffic, stressed, s_limit),
            // The stress run's own limit is longer than the threads' joins, so that they explain who was stuck where.
            StressTimeLimit = s_limit + TimeSpan.FromSeconds(5),
            ExplainDeadlock = traffic.Explain(run => run.ExplainStuck(), "Every thread was waiting for another."),
            DeadlockInconclusiveBecause = TimedWaits(),
            Settings = ExplorationSettings.Default with { Iterations = iterations },
            ReadNext = ReadNext,
        }.Verify();
    }

    /// <summary>
    /// Why Coyote's deadlock is no verdict when the buffer waits with timeouts: Coyote never lets a timed wait time out,
    /// so a buffer that loses a wake-up and finds it again by looking after a timeout (slow, not stuck) deadlocks there.
    /// </summary>
    private static string? TimedWaits()
    {
        var waits = CompiledCode.Of(typeof(BoundedBuffer<>)).CalledMembers
            .Where(member => member is { Type: "Monitor", Name: "Wait", ParameterCount: > 1 })
            .Select(_ => "Monitor.Wait")
            .Concat(TimedWait.FindIn(typeof(BoundedBuffer<>)))
            .Distinct()
            .ToList();
        return waits.Count == 0
            ? null
            : $"your buffer waits with a timeout ({string.Join(", ", waits)}), which Coyote does not model (there a timed wait " +
              "never times out, and a lost wake-up that the timeout would recover from looks like a deadlock)";
    }

    private static string Describe(WatchedCall<int> take) => take.Error is { } error
        ? $"threw {error.GetType().Name} ({error.Message})"
        : take.Result < 0 ? "returned false" : $"returned true (item {take.Result})";
}
