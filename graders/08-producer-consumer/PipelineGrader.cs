using Katas.ProducerConsumer;

namespace Katas.Graders.ProducerConsumer;

/// <summary>
/// The pipeline (BlockingCollection or Channel, and a start signal), graded on real threads, with exact accounting of
/// every item and a time limit on every wait; and one small run explored by Coyote (a consumer that stops at an empty
/// queue), which sees inside BlockingCollection, ManualResetEventSlim and Channel through the controlled twins
/// (graders/Katas.Grading/Twins/).
/// </summary>
/// <remarks>
/// <para>Pipelines are disposed only after every consumer stopped (<see cref="WorkProbe.Finish"/>), never by `using`:
/// when a wrong Complete returns early, its consumers still run, and disposing the queue under them would end the test
/// process with their exception.</para>
/// <para>The checks whose work throws run last ([Order]): a consumer that lets the work's exception leave its thread ends
/// the test process, and the checks run before it keep their verdicts.</para>
/// </remarks>
public sealed class PipelineGrader
{
    private const string ReadNext =
        "exercises/08-producer-consumer/README.md, and https://learn.microsoft.com/dotnet/standard/collections/thread-safe/blockingcollection-overview";

    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_watch = TimeSpan.FromMilliseconds(300);

    /// <summary>A pause longer than the idle timeouts a consumer may give up after (TryTake(out item, 1000)).</summary>
    private static readonly TimeSpan s_pause = TimeSpan.FromSeconds(1.5);

    [Test, OnRealThreads, Order(1)]
    public void Nothing_is_processed_before_Start()
    {
        var probe = new WorkProbe(4);
        var pipeline = new Pipeline<int, int>(probe.Wrap(x => x), capacity: 4, consumers: 2);
        Bounded.Run(s_limit, "adding 4 items to a Pipeline(capacity 4) before Start", () =>
        {
            probe.Caller();
            for (var i = 0; i < 4; i++)
            {
                pipeline.Add(i);
            }
        });
        Thread.Sleep(s_watch);

        probe.Begun.Should().Be(0,
            "the consumers must wait for the start signal (a ManualResetEventSlim they Wait on, which Start sets) before " +
            "taking anything. Read next: {0}", ReadNext);

        var results = Bounded.Run(s_limit, "calling Start, then Complete", () =>
        {
            probe.Caller();
            pipeline.Start();
            return pipeline.Complete();
        });
        results.Should().BeEquivalentTo([0, 1, 2, 3], "after Start every item added before it is processed");
        probe.Finish(pipeline, ReadNext);
    }

    [Test, OnRealThreads, Order(2)]
    public void Add_waits_while_the_pipeline_is_full()
    {
        var probe = new WorkProbe(4);
        var pipeline = new Pipeline<int, int>(probe.Wrap(x => x), capacity: 2, consumers: 1);
        Bounded.Run(s_limit, "adding 2 items to a Pipeline(capacity 2) before Start", () =>
        {
            probe.Caller();
            pipeline.Add(1);
            pipeline.Add(2);
        });

        var third = new WatchedCall<int>(() =>
        {
            probe.Caller();
            pipeline.Add(3);
            return 0;
        });
        Invariant.Holds(!third.EndsWithin(s_watch),
            "Two items waited in a pipeline of capacity 2 and nothing took them before Start, yet a third Add " +
            $"{(third.Error is null ? "returned" : $"threw {third.Error.GetType().Name}")} at once: Add must wait while " +
            $"`capacity` items wait in the queue (a BlockingCollection created with boundedCapacity does). Read next: {ReadNext}");

        Bounded.Run(s_limit, "calling Start", pipeline.Start);
        Invariant.Holds(third.EndsWithin(s_limit),
            $"Start let the consumers take items, but the waiting Add(3) still waited {s_limit.TotalSeconds:0} s later. Read next: {ReadNext}");
        third.Error.Should().BeNull("a slot was free once the consumers took items");
        Bounded.Run(s_limit, "calling Complete", pipeline.Complete).Should().BeEquivalentTo([1, 2, 3]);
        probe.Finish(pipeline, ReadNext);
    }

    [Core]
    [Test, OnRealThreads, Order(3)]
    public void Consumers_work_at_once_on_their_own_threads()
    {
        const int Consumers = 3;
        // One item more than consumers: a pipeline with an extra consumer would work on all four at once.
        const int Items = Consumers + 1;
        var probe = new WorkProbe(Items);
        var together = new Rendezvous(probe, Consumers, Items);
        var pipeline = new Pipeline<int, int>(probe.Wrap(x =>
        {
            together.Arrive();
            return x;
        }), capacity: Items, consumers: Consumers);

        var results = Bounded.Run(s_limit, $"{Items} items through a pipeline of {Consumers} consumers", () =>
        {
            probe.Caller();
            for (var i = 0; i < Items; i++)
            {
                pipeline.Add(i);
            }

            pipeline.Start();
            return pipeline.Complete();
        });

        results.Should().BeEquivalentTo(Enumerable.Range(0, Items), "Complete returns the result of every item");
        probe.Finish(pipeline, ReadNext);
        Invariant.Holds(probe.MostInside >= Consumers,
            $"A pipeline of {Consumers} consumers held {Items} items, but at most {probe.MostInside} of them were in the work at " +
            $"once (the grader's work waited {Rendezvous.GiveUp.TotalSeconds:0} s for {Consumers} at once): the constructor must " +
            $"start `consumers` consumer threads, each taking items from the queue. Read next: {ReadNext}");
        Invariant.Holds(probe.MostInside <= Consumers,
            $"A pipeline of {Consumers} consumers worked on {probe.MostInside} items at once: it must run exactly `consumers` " +
            "consumers (count the threads your constructor starts, and do not hand items on to Parallel loops or Task.Run). " +
            $"Read next: {ReadNext}");
    }

    [Core]
    [Test, OnRealThreads, Order(4)]
    public void Every_item_is_processed_exactly_once_and_Complete_waits_for_it()
    {
        const int Items = 1000;
        for (var run = 1; run <= 20; run++)
        {
            var probe = new WorkProbe(Items);
            var pipeline = new Pipeline<int, int>(probe.Wrap(x =>
            {
                Thread.Yield();
                return x * 2;
            }), capacity: 8, consumers: 4);

            var results = Bounded.Run(s_limit, $"run {run}: {Items} items through 4 consumers", () =>
            {
                probe.Caller();
                pipeline.Start();
                for (var i = 0; i < Items; i++)
                {
                    pipeline.Add(i);
                }

                return pipeline.Complete();
            });

            var stillWorking = probe.Inside;
            var begun = probe.Begun;
            Invariant.Holds(stillWorking == 0 && results.Count >= begun,
                $"Complete returned while the consumers were still working (run {run}: {results.Count} results returned, " +
                $"{begun} items begun, {stillWorking} in the middle of their work). Complete must wait until every consumer " +
                $"has finished: Join each consumer thread after CompleteAdding. Read next: {ReadNext}");
            probe.Processed.Where(times => times > 1).Should().BeEmpty(
                "every item is processed once, but in run {0} some were processed twice", run);
            probe.Processed.Count(times => times == 0).Should().Be(0,
                "every item added is processed, but in run {0} some were lost: did a consumer stop when the queue was " +
                "momentarily empty? Stop only when adding is complete (GetConsumingEnumerable does that).", run);
            results.Order().Should().Equal(Enumerable.Range(0, Items).Select(i => i * 2),
                "Complete returns the result of every item (in any order) — run {0}", run);
            probe.Finish(pipeline, ReadNext);
        }
    }

    [Core]
    [Test, OnRealThreads, Order(5)]
    public void The_queue_never_holds_more_than_its_capacity()
    {
        const int Capacity = 4;
        const int Consumers = 2;
        const int Producers = 3;
        const int ItemsEach = 70;
        var added = 0;
        var started = 0;
        var worstAhead = 0;
        var probe = new WorkProbe(Producers * ItemsEach);
        var pipeline = new Pipeline<int, int>(probe.Wrap(x =>
        {
            var ahead = Volatile.Read(ref added) - Interlocked.Increment(ref started);
            InterlockedMax(ref worstAhead, ahead);
            Thread.Sleep(1);
            return x;
        }), Capacity, Consumers);

        var results = Bounded.Run(s_limit, $"{Producers} producers adding {ItemsEach} items each at once, while {Consumers} slow consumers work", () =>
        {
            probe.Caller();
            pipeline.Start();
            var producers = Enumerable.Range(0, Producers).Select<int, Action>(producer => () =>
            {
                probe.Caller();
                for (var i = 0; i < ItemsEach; i++)
                {
                    pipeline.Add(producer * ItemsEach + i);
                    Interlocked.Increment(ref added);
                }
            });
            GraderThreads.Run(s_limit, [.. producers]).Should().BeTrue("the producers finish once the consumers have taken their items");
            return pipeline.Complete();
        });

        // Waiting in the queue (at most Capacity) plus taken by a consumer and not yet started (one each).
        worstAhead.Should().BeLessThanOrEqualTo(Capacity + Consumers,
            "{0} producers ran {1} items ahead of the consumers, but the pipeline holds at most {2} (capacity) + {3} (one in " +
            "each consumer's hand): Add must wait when the queue is full. Create the BlockingCollection with boundedCapacity " +
            "(or the Channel with CreateBounded). Read next: {4}", Producers, worstAhead, Capacity, Consumers, ReadNext);
        results.Order().Should().Equal(Enumerable.Range(0, Producers * ItemsEach),
            "every item of every producer is processed exactly once, also when {0} producers add at once", Producers);
        probe.Finish(pipeline, ReadNext);
    }

    [Test, Order(6)]
    public void Consumers_started_before_the_first_Add_wait_for_it() => new ConcurrencyCheck
    {
        KataType = typeof(Pipeline<,>),
        Property = "consumers that start before the first Add wait for the items, and Complete returns the result of every item",
        Iteration = () =>
        {
            // Start before any Add: in some interleavings every consumer looks at the empty queue before item 1 comes.
            var pipeline = new Pipeline<int, int>(x => x * 10, capacity: 4, consumers: 2);
            pipeline.Start();
            for (var i = 1; i <= 3; i++)
            {
                pipeline.Add(i);
            }

            var results = pipeline.Complete().Order().ToList();
            Invariant.Holds(results.SequenceEqual([10, 20, 30]),
                $"Start was called, then items 1, 2 and 3 were added and Complete called, but Complete returned " +
                $"[{string.Join(", ", results)}], not [10, 20, 30]: a consumer stopped when the queue was empty (it looked " +
                "before an item came). An empty queue does not mean the end: a consumer must wait for items and stop only " +
                "when adding is complete (GetConsumingEnumerable, or a Channel's ReadAllAsync or WaitToReadAsync loop, does " +
                $"both; TryTake or TryRead alone does not). Read next: {ReadNext}");
            pipeline.Dispose();
        },
        ReadNext = ReadNext,
    }.Verify();

    [Test, OnRealThreads, Order(6)]
    public void Consumers_wait_for_items_that_come_later()
    {
        var probe = new WorkProbe(3);
        var pipeline = new Pipeline<int, int>(probe.Wrap(x => x), capacity: 4, consumers: 2);
        Bounded.Run(s_limit, "calling Start and adding item 1", () =>
        {
            probe.Caller();
            pipeline.Start();
            pipeline.Add(1);
        });
        // A consumer that takes without waiting may find the queue empty before item 1 comes and stop at once: the same
        // mistake as stopping during the pause below, seen earlier (CI saw both paths of one fixture).
        Invariant.Holds(probe.UntilEnded(1),
            "Start was called and item 1 added, but no consumer ever processed item 1: the consumers stopped when the queue " +
            "was empty (a consumer that starts before the first Add finds it empty), or never started. An empty queue does " +
            "not mean the end: a consumer must wait for items and stop only when adding is complete (GetConsumingEnumerable " +
            $"does both; TryTake without a timeout, or with one, does not). Read next: {ReadNext}");
        // Longer than the idle timeouts a consumer may give up after: an empty queue is not the end.
        Thread.Sleep(s_pause);

        var results = Bounded.Run(s_limit, $"adding item 2 after a pause of {s_pause.TotalSeconds:0.#} s, then calling Complete", () =>
        {
            probe.Caller();
            pipeline.Add(2);
            return pipeline.Complete();
        });

        Invariant.Holds(results.Order().SequenceEqual([1, 2]),
            $"Item 1 was added, then item 2 after a pause of {s_pause.TotalSeconds:0.#} s, but Complete returned " +
            $"[{string.Join(", ", results.Order())}]: the consumers stopped when the queue was empty for a while. An empty queue " +
            "does not mean the end, however long it stays empty: a consumer must wait for more items and stop only when adding " +
            "is complete (GetConsumingEnumerable does both; TryTake without a timeout, or with one, does not). " +
            $"Read next: {ReadNext}");
        probe.Finish(pipeline, ReadNext);
    }

    [Test, OnRealThreads, Order(7)]
    public void Complete_without_Start_processes_every_item()
    {
        var probe = new WorkProbe(3);
        var pipeline = new Pipeline<int, int>(probe.Wrap(x => x * 10), capacity: 4, consumers: 2);
        IReadOnlyList<int> results = [];
        var finished = Bounded.TryRun(s_limit, () =>
        {
            probe.Caller();
            for (var i = 0; i < 3; i++)
            {
                pipeline.Add(i);
            }

            results = pipeline.Complete();
        }, out var error);

        Invariant.Holds(finished,
            $"Three items were added and Complete was called without Start; Complete had not returned {s_limit.TotalSeconds:0} s " +
            $"later ({probe.Begun} items begun): the consumers were still waiting for the start signal. Complete must let them " +
            $"begin (set the start event) before it waits for them, or nobody ever processes the items. Read next: {ReadNext}");
        if (error is not null)
        {
            throw new InvariantViolationException($"Complete without Start threw {error.GetType().Name}: {error.Message}");
        }

        results.Order().Should().Equal([0, 10, 20], "Complete without Start still returns the result of every item added");
        probe.Finish(pipeline, ReadNext);
    }

    [Test, OnRealThreads, Order(8)]
    public void Dispose_after_Complete_keeps_the_results()
    {
        var probe = new WorkProbe(6);
        // Capacity 1, the smallest pipeline: every Add after the first waits for a consumer.
        var pipeline = new Pipeline<int, int>(probe.Wrap(x => x * 10), capacity: 1, consumers: 2);
        var results = Bounded.Run(s_limit, "adding 5 items to a Pipeline(capacity 1) and calling Complete", () =>
        {
            probe.Caller();
            pipeline.Start();
            for (var i = 1; i <= 5; i++)
            {
                pipeline.Add(i);
            }

            return pipeline.Complete();
        });
        var before = results.Order().ToList();
        before.Should().Equal([10, 20, 30, 40, 50], "Complete returns the result of every item");

        // Nothing runs any more: Dispose frees the queue and the event, and must not take the caller's results with them.
        probe.Finish(pipeline, ReadNext);

        var after = results.Order().ToList();
        Invariant.Holds(after.SequenceEqual(before),
            $"Complete returned [{string.Join(", ", before)}], but after Dispose that list held [{string.Join(", ", after)}]: " +
            "Dispose frees the pipeline's queue and event; the results belong to the caller (return a copy, for example " +
            "`[.. results]`, and leave it alone). `using var pipeline = ...` disposes the pipeline while its results are still " +
            $"in use. Read next: {ReadNext}");
    }

    [Test, OnRealThreads, Order(9)]
    public void An_exception_in_the_work_reaches_Complete()
    {
        const int Items = 20;
        var probe = new WorkProbe(Items);
        var pipeline = new Pipeline<int, int>(probe.Wrap(x => x == 7 ? throw new InvalidOperationException("item 7 failed") : x),
            capacity: 4, consumers: 2);
        var endedWhenThrown = -1;

        var reported = Bounded.Catch(s_limit, $"running {Items} items where item 7 throws", () =>
        {
            probe.Caller();
            pipeline.Start();
            for (var i = 0; i < Items; i++)
            {
                pipeline.Add(i);
            }

            try
            {
                pipeline.Complete();
            }
            finally
            {
                endedWhenThrown = probe.Ended;
            }
        });

        var found = Messages(reported);
        Invariant.Holds(reported is AggregateException && found.Contains("item 7 failed"),
            (reported is null
                ? "The work threw an exception for item 7, but Complete returned normally: the exception vanished."
                : reported is AggregateException
                    ? $"The work threw \"item 7 failed\", but Complete's AggregateException holds only [{string.Join("; ", found)}]."
                    : $"The work threw \"item 7 failed\", and Complete threw {reported.GetType().Name} ({reported.Message}), not an " +
                      "AggregateException holding it.") +
            " A consumer must catch what the work throws (so that it goes on with the other items) and keep it; Complete " +
            $"then throws an AggregateException holding every such exception. Read next: {ReadNext}");
        Invariant.Holds(endedWhenThrown == Items,
            $"Complete threw when {endedWhenThrown} of the {Items} items had been processed: it must throw only after every " +
            $"other item was processed (wait for the consumers first, then throw). Read next: {ReadNext}");
        probe.Finish(pipeline, ReadNext);
    }

    [Test, OnRealThreads, Order(10)]
    public void Two_failures_on_two_consumers_both_reach_Complete()
    {
        const int Items = 20;
        var probe = new WorkProbe(Items);
        var failing = new FailingPair(5, 6);
        var pipeline = new Pipeline<int, int>(probe.Wrap(failing.Work), capacity: 2, consumers: 2);
        var doing = "starting";
        var endedWhenThrown = -1;

        var finished = Bounded.TryRun(s_limit, () =>
        {
            probe.Caller();
            pipeline.Start();
            for (var i = 0; i < Items; i++)
            {
                doing = $"waiting in Add({i})";
                pipeline.Add(i);
            }

            doing = "waiting in Complete";
            try
            {
                pipeline.Complete();
            }
            finally
            {
                endedWhenThrown = probe.Ended;
            }
        }, out var reported);

        Invariant.Holds(finished,
            $"Items 5 and 6 threw at the same time, on the two consumers; {s_limit.TotalSeconds:0} s later only {probe.Ended} of " +
            $"the {Items} items had been processed and the producer was still {doing}: the consumers stopped at their " +
            "exceptions and nobody took the other items. A consumer must catch what the work throws, keep it, and go on with the " +
            $"next item (try/catch inside the loop, around the work only). Read next: {ReadNext}");

        var found = Messages(reported);
        var missing = new[] { "item 5 failed", "item 6 failed" }.Where(message => !found.Contains(message)).ToList();
        Invariant.Holds(reported is AggregateException && missing.Count == 0,
            (reported is null
                ? "Items 5 and 6 threw, on the two consumers at once, but Complete returned normally: both exceptions vanished."
                : reported is AggregateException
                    ? $"Items 5 and 6 threw, on the two consumers at once, but Complete's AggregateException holds " +
                      $"[{string.Join("; ", found)}], without \"{string.Join("\" and \"", missing)}\"."
                    : $"Items 5 and 6 threw, on the two consumers at once, and Complete threw {reported.GetType().Name} " +
                      $"({reported.Message}), not an AggregateException holding both.") +
            " Keep every exception the work throws (a ConcurrentQueue<Exception>, which the consumers may add to at the same " +
            $"time), and throw `new AggregateException(errors)` holding all of them. Read next: {ReadNext}");

        var unprocessed = Enumerable.Range(0, Items).Where(item => probe.Processed[item] != 1).ToList();
        Invariant.Holds(unprocessed.Count == 0 && endedWhenThrown == Items,
            $"After items 5 and 6 threw, Complete threw when {endedWhenThrown} of the {Items} items had been processed " +
            $"(items processed other than once: [{string.Join(", ", unprocessed)}]): the other items must all be processed, " +
            $"exactly once, before Complete throws. Read next: {ReadNext}");
        probe.Finish(pipeline, ReadNext);
    }

    /// <summary>The messages of the exceptions held in <paramref name="error"/> (aggregates flattened, inner exceptions followed).</summary>
    private static List<string> Messages(Exception? error)
    {
        var messages = new List<string>();
        var pending = new Stack<Exception>(error is null ? [] : [error]);
        while (pending.TryPop(out var next))
        {
            if (next is AggregateException aggregate)
            {
                aggregate.InnerExceptions.ToList().ForEach(pending.Push);
            }
            else
            {
                messages.Add(next.Message);
                if (next.InnerException is not null)
                {
                    pending.Push(next.InnerException);
                }
            }
        }

        return messages;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current && Interlocked.CompareExchange(ref target, value, current) != current)
        {
            current = Volatile.Read(ref target);
        }
    }

    /// <summary>
    /// Holds the first items in the work until <c>expected</c> of them are in it at once (then a little longer, so that an
    /// extra consumer would join them), or every item has begun, or the wait gave up.
    /// </summary>
    private sealed class Rendezvous(WorkProbe probe, int expected, int items)
    {
        public static readonly TimeSpan GiveUp = TimeSpan.FromSeconds(5);
        private static readonly TimeSpan s_hold = TimeSpan.FromMilliseconds(200);
        private long _deadlineTicks;
        private volatile bool _gaveUp;

        public void Arrive()
        {
            Interlocked.CompareExchange(ref _deadlineTicks, (DateTime.UtcNow + GiveUp).Ticks, 0);
            while (!_gaveUp && probe.Inside < expected && probe.Begun < items)
            {
                if (DateTime.UtcNow.Ticks > Interlocked.Read(ref _deadlineTicks))
                {
                    _gaveUp = true;
                }

                Thread.Sleep(1);
            }

            if (!_gaveUp && probe.Inside >= expected)
            {
                Thread.Sleep(s_hold);
            }
        }
    }

    /// <summary>Two items whose work throws, each only once the other is in the work too: on two consumers at once.</summary>
    private sealed class FailingPair(int first, int second)
    {
        private static readonly TimeSpan s_together = TimeSpan.FromSeconds(3);
        private int _arrived;

        public int Work(int item)
        {
            if (item != first && item != second)
            {
                return item;
            }

            Interlocked.Increment(ref _arrived);
            var deadline = DateTime.UtcNow + s_together;
            while (Volatile.Read(ref _arrived) < 2 && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(1);
            }

            throw new InvalidOperationException($"item {item} failed");
        }
    }
}
