using Katas.ProducerConsumer;

namespace Katas.Graders.ProducerConsumer;

/// <summary>
/// The pipeline (BlockingCollection or Channel, and a start signal). Coyote cannot control those, so
/// this part is graded on real threads, with exact accounting of every item and a time limit on every wait.
/// </summary>
/// <remarks>
/// Pipelines are disposed only after a test passed, never by `using`: when a wrong Complete returns early, its
/// consumers still run, and disposing the queue under them would end the test process with their exception.
/// </remarks>
public sealed class PipelineGrader
{
    private const string ReadNext =
        "exercises/08-producer-consumer/README.md, and https://learn.microsoft.com/dotnet/standard/collections/thread-safe/blockingcollection-overview";

    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_watch = TimeSpan.FromMilliseconds(300);

    [Test, OnRealThreads]
    public void Nothing_is_processed_before_Start()
    {
        var done = 0;
        var pipeline = new Pipeline<int, int>(x => Interlocked.Increment(ref done), capacity: 4, consumers: 2);
        Bounded.Run(s_limit, "adding 4 items to a Pipeline(capacity 4) before Start", () =>
        {
            for (var i = 0; i < 4; i++)
            {
                pipeline.Add(i);
            }
        });
        Thread.Sleep(s_watch);

        Volatile.Read(ref done).Should().Be(0,
            "the consumers must wait for the start signal (a ManualResetEventSlim they Wait on, which Start sets) before " +
            "taking anything. Read next: {0}", ReadNext);

        Bounded.Run(s_limit, "calling Start", pipeline.Start);
        Bounded.Run(s_limit, "calling Complete", pipeline.Complete).Should().HaveCount(4, "after Start every item is processed");
        pipeline.Dispose();
    }

    [Test, OnRealThreads]
    public void Add_waits_while_the_pipeline_is_full()
    {
        var pipeline = new Pipeline<int, int>(x => x, capacity: 2, consumers: 1);
        Bounded.Run(s_limit, "adding 2 items to a Pipeline(capacity 2) before Start", () =>
        {
            pipeline.Add(1);
            pipeline.Add(2);
        });

        var third = Task.Run(() => pipeline.Add(3));
        third.Wait(s_watch).Should().BeFalse(
            "two items wait in a pipeline of capacity 2 and nothing takes them before Start, so a third Add must wait " +
            "(a BlockingCollection created with boundedCapacity does). Read next: {0}", ReadNext);

        Bounded.Run(s_limit, "calling Start", pipeline.Start);
        third.Wait(s_limit).Should().BeTrue("once the consumers take items, the waiting Add goes through");
        Bounded.Run(s_limit, "calling Complete", pipeline.Complete).Should().BeEquivalentTo([1, 2, 3]);
        pipeline.Dispose();
    }

    [Test, OnRealThreads]
    public void Every_item_is_processed_exactly_once_and_Complete_waits_for_it()
    {
        const int Items = 1000;
        for (var run = 1; run <= 20; run++)
        {
            var processed = new int[Items];
            var inside = 0;
            var pipeline = new Pipeline<int, int>(x =>
            {
                Interlocked.Increment(ref inside);
                Interlocked.Increment(ref processed[x]);
                Thread.Yield();
                Interlocked.Decrement(ref inside);
                return x * 2;
            }, capacity: 8, consumers: 4);

            var results = Bounded.Run(s_limit, $"run {run}: {Items} items through 4 consumers", () =>
            {
                pipeline.Start();
                for (var i = 0; i < Items; i++)
                {
                    pipeline.Add(i);
                }

                return pipeline.Complete();
            });

            var stillWorking = Volatile.Read(ref inside);
            Invariant.Holds(stillWorking == 0 && results.Count >= processed.Count(times => times > 0),
                $"Complete returned while the consumers were still working (run {run}: {results.Count} results returned, " +
                $"{stillWorking} items in the middle of their work). Complete must wait until every consumer has finished: " +
                $"Join each consumer thread after CompleteAdding. Read next: {ReadNext}");
            processed.Where(times => times > 1).Should().BeEmpty(
                "every item is processed once, but in run {0} some were processed twice", run);
            processed.Count(times => times == 0).Should().Be(0,
                "every item added is processed, but in run {0} some were lost: did a consumer stop when the queue was " +
                "momentarily empty? Stop only when adding is complete (GetConsumingEnumerable does that).", run);
            results.Order().Should().Equal(Enumerable.Range(0, Items).Select(i => i * 2),
                "Complete returns the result of every item (in any order) — run {0}", run);
            pipeline.Dispose();
        }
    }

    [Test, OnRealThreads]
    public void The_queue_never_holds_more_than_its_capacity()
    {
        const int Capacity = 4;
        const int Consumers = 2;
        var added = 0;
        var started = 0;
        var worstAhead = 0;
        var pipeline = new Pipeline<int, int>(x =>
        {
            var ahead = Volatile.Read(ref added) - Interlocked.Increment(ref started);
            InterlockedMax(ref worstAhead, ahead);
            Thread.Sleep(1);
            return x;
        }, Capacity, Consumers);

        Bounded.Run(s_limit, "adding 200 items quickly while 2 slow consumers work", () =>
        {
            pipeline.Start();
            for (var i = 0; i < 200; i++)
            {
                pipeline.Add(i);
                Interlocked.Increment(ref added);
            }

            pipeline.Complete();
        });

        // Waiting in the queue (at most Capacity) plus taken by a consumer and not yet started (one each).
        worstAhead.Should().BeLessThanOrEqualTo(Capacity + Consumers,
            "the producer ran {0} items ahead of the consumers, but the pipeline holds at most {1} (capacity) + {2} (one in each " +
            "consumer's hand): Add must wait when the queue is full. Create the BlockingCollection with boundedCapacity " +
            "(or the Channel with CreateBounded). Read next: {3}", worstAhead, Capacity, Consumers, ReadNext);
        pipeline.Dispose();
    }

    [Test, OnRealThreads]
    public void Consumers_wait_for_items_that_come_later()
    {
        var pipeline = new Pipeline<int, int>(x => x, capacity: 4, consumers: 2);
        Bounded.Run(s_limit, "calling Start and adding item 1", () =>
        {
            pipeline.Start();
            pipeline.Add(1);
        });
        // Long enough for the consumers to take item 1 and find the queue empty.
        Thread.Sleep(s_watch);

        var results = Bounded.Run(s_limit, "adding item 2 after a pause, then calling Complete", () =>
        {
            pipeline.Add(2);
            return pipeline.Complete();
        });

        Invariant.Holds(results.Order().SequenceEqual([1, 2]),
            $"Item 1 was added, then item 2 after a pause, but Complete returned [{string.Join(", ", results.Order())}]: " +
            "the consumers stopped when the queue was empty for a moment. An empty queue does not mean the end: a consumer " +
            "must wait for more items and stop only when adding is complete (GetConsumingEnumerable does both, TryTake " +
            $"without a timeout does not). Read next: {ReadNext}");
        pipeline.Dispose();
    }

    [Test, OnRealThreads]
    public void An_exception_in_the_work_reaches_Complete()
    {
        var pipeline = new Pipeline<int, int>(x => x == 7 ? throw new InvalidOperationException("item 7 failed") : x,
            capacity: 4, consumers: 2);

        var reported = Bounded.Catch(s_limit, "running 20 items where item 7 throws", () =>
        {
            pipeline.Start();
            for (var i = 0; i < 20; i++)
            {
                pipeline.Add(i);
            }

            pipeline.Complete();
        });

        Invariant.Holds(reported?.ToString().Contains("item 7 failed", StringComparison.Ordinal) == true,
            (reported is null
                ? "The work threw an exception for item 7, but Complete returned normally: the exception vanished."
                : $"The work threw \"item 7 failed\", but Complete threw something else: {reported.GetType().Name}: {reported.Message}.") +
            " A consumer must catch what the work throws (so that it goes on with the other items) and keep it; Complete " +
            $"then throws an AggregateException holding every such exception. Read next: {ReadNext}");
        pipeline.Dispose();
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current && Interlocked.CompareExchange(ref target, value, current) != current)
        {
            current = Volatile.Read(ref target);
        }
    }
}
