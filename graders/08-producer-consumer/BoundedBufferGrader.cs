using Katas.ProducerConsumer;

namespace Katas.Graders.ProducerConsumer;

/// <summary>The lesson's Condition: a bounded buffer built with Monitor.Wait and Monitor.PulseAll.</summary>
public sealed class BoundedBufferGrader
{
    internal const string ReadNext =
        "exercises/08-producer-consumer/README.md, and https://learn.microsoft.com/dotnet/api/system.threading.monitor.wait";

    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(10);

    /// <summary>How long a call that must wait is watched before the grader decides it does wait.</summary>
    private static readonly TimeSpan s_watch = TimeSpan.FromMilliseconds(300);

    [Test, OnRealThreads]
    public void One_thread_gets_its_items_back_in_order()
    {
        var buffer = new BoundedBuffer<int>(3);
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

        Bounded.Run(s_limit, "calling CompleteAdding", buffer.CompleteAdding);
        Bounded.Run(s_limit, "calling TryTake on a completed, empty buffer", () => buffer.TryTake(out _)).Should()
            .BeFalse("TryTake returns false once adding is complete and nothing is left");
        buffer.Invoking(b => b.Add(4)).Should().Throw<InvalidOperationException>("nothing may be added after CompleteAdding");
    }

    [Test, OnRealThreads]
    public void TryTake_waits_for_an_item()
    {
        var buffer = new BoundedBuffer<int>(1);
        var taking = Task.Run(() => buffer.TryTake(out var item) ? item : -1);

        taking.Wait(s_watch).Should().BeFalse(
            "the buffer is empty but not complete, so TryTake must wait for an item (it returned {0}). Read next: {1}",
            taking.IsCompleted ? taking.Result : 0, ReadNext);
        Bounded.Run(s_limit, "adding 5 while a consumer waits", () => buffer.Add(5));
        taking.Wait(s_limit).Should().BeTrue("Add must wake the waiting consumer (Monitor.PulseAll)");
        taking.Result.Should().Be(5, "the waiting consumer gets the item that was added");
    }

    [Test, OnRealThreads]
    public void Add_waits_while_the_buffer_is_full()
    {
        var buffer = new BoundedBuffer<int>(1);
        Bounded.Run(s_limit, "adding 1 to a BoundedBuffer(1)", () => buffer.Add(1));
        var adding = Task.Run(() => buffer.Add(2));

        adding.Wait(s_watch).Should().BeFalse(
            "the buffer is full (capacity 1), so Add must wait until a consumer takes an item. Read next: {0}", ReadNext);
        Bounded.Run(s_limit, "taking from a full buffer", () => buffer.TryTake(out var item) ? item : -1).Should().Be(1);
        adding.Wait(s_limit).Should().BeTrue("TryTake must wake the waiting producer (Monitor.PulseAll)");
        buffer.Count.Should().Be(1, "the waiting producer's item is in the buffer now");
    }

    [Test, OnRealThreads]
    public void CompleteAdding_wakes_every_waiting_consumer()
    {
        var buffer = new BoundedBuffer<int>(2);
        var consumers = Enumerable.Range(0, 2).Select(_ => Task.Run(() => buffer.TryTake(out _))).ToArray();
        Thread.Sleep(s_watch);

        Bounded.Run(s_limit, "calling CompleteAdding while two consumers wait", buffer.CompleteAdding);

        Task.WaitAll(consumers, s_limit).Should().BeTrue(
            "after CompleteAdding no item will ever come: every waiting consumer must wake up and get false, or it waits for " +
            "ever (call Monitor.PulseAll in CompleteAdding). Read next: {0}", ReadNext);
        consumers.Select(c => c.Result).Should().AllBeEquivalentTo(false, "an empty, completed buffer has nothing to give");
    }

    [Test]
    public void Producers_and_consumers_lose_nothing_and_never_deadlock()
    {
        new ConcurrencyCheck
        {
            KataType = typeof(BoundedBuffer<>),
            Property = "with several producers and consumers, every item is taken exactly once, the capacity holds, and " +
                "nobody is left waiting",
            // Two producers of three items, three consumers, capacity 1: every wait and wake-up happens.
            Iteration = () => BufferTraffic.Run(producers: 2, itemsEach: 3, consumers: 3, capacity: 1).MustDeliverEveryItemOnce(),
            StressIteration = () => BufferTraffic.Run(producers: 3, itemsEach: 300, consumers: 3, capacity: 2).MustDeliverEveryItemOnce(),
            ExplainDeadlock = () => BufferTraffic.Last?.ExplainStuck() ?? "Every thread was waiting for another.",
            ReadNext = ReadNext,
        }.Verify();
    }
}
