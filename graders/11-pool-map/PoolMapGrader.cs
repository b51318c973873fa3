using Katas.PoolMap;

namespace Katas.Graders.PoolMap;

public sealed class PoolMapGrader
{
    private const string ReadNext =
        "exercises/11-pool-map/README.md, and https://learn.microsoft.com/dotnet/standard/parallel-programming/how-to-write-a-simple-parallel-for-loop";

    private const int Limit = 3;

    /// <summary>Map over 6 items with 3 workers: two rounds, so the ideal speed-up is 3x.</summary>
    private const int SlowItems = 6;

    /// <summary>
    /// Items under Coyote: one more than the limit, so that a Map that ignores it can go over. Every item costs
    /// scheduling steps, and each step is a thread switch: on a loaded machine 6 items made a correct Map's
    /// exploration take longer than its time limit.
    /// </summary>
    private const int SystematicItems = Limit + 1;

    /// <summary>
    /// What Map must reach over one after another: 6 calls take 2 rounds with 3 workers (3x), 3 rounds with 2
    /// (2x: PLINQ and Parallel.For may use fewer workers than the ceiling, and that is not wrong), 6 with 1 (1x).
    /// 1.5 sits between a loop and two workers with room both ways; the function sleeps, so a busy CPU hardly
    /// slows it, and the best of three tries counts.
    /// </summary>
    private const double MinSpeedup = 1.5;

    private static readonly TimeSpan s_runLimit = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Half the default interleavings, and more time for them. Every known-wrong Map is caught in the first few; a
    /// correct one pays for all of them, and with a thread switch per scheduling step, 100 of them took 7 to over 60 s
    /// on a 2-core machine under a load of 80. The time limit only stops code that spins outside Coyote's control.
    /// </summary>
    private static readonly ExplorationSettings s_exploration =
        ExplorationSettings.Default with { Iterations = 50, TimeLimit = TimeSpan.FromSeconds(150) };

    private static readonly TimeSpan s_slowCall = TimeSpan.FromMilliseconds(150);

    private int _minWorkerThreads;
    private int _minIoThreads;

    /// <summary>The calls of the run Coyote explored last: when it reports a deadlock, they say who was stuck.</summary>
    // The calls of the run in progress: a deadlock is explained from them.
    private readonly Scene<Calls> _calls = new();
    private const string NoCallsYet = "Map never returned, and no call of the function had begun.";

    /// <summary>
    /// The thread pool starts with one thread per core (2 here) and adds more only every half second or so.
    /// Parallel.For, PLINQ and Task.Run take their workers from it; without this a correct Map with 3 workers
    /// would often run 2 calls at once on a 2-core machine, and be failed for the machine's size, not its code.
    /// </summary>
    [OneTimeSetUp]
    public void GiveThePoolThreadsForEveryWorker()
    {
        ThreadPool.GetMinThreads(out _minWorkerThreads, out _minIoThreads);
        ThreadPool.SetMinThreads(Math.Max(_minWorkerThreads, 16), _minIoThreads);
    }

    [OneTimeTearDown]
    public void GiveThePoolItsSizeBack() => ThreadPool.SetMinThreads(_minWorkerThreads, _minIoThreads);

    [Core]
    [Test, OnRealThreads]
    public void Results_come_back_in_the_order_of_the_items()
    {
        // The call for item 1 is held until 2 other calls have finished: it finishes after them on any machine, so the order
        // the calls finish in is not the order of the items.
        var calls = new Calls(SlowItems, Limit, Scheduling.RealThreads) { HeldItem = 1, HeldUntilFinished = 2 };
        var results = calls.MapBounded(s_runLimit, "running Map over 6 items whose first call is the slowest");
        calls.MustHaveMappedEachItemOnceInOrder(results,
            calls.HeldGaveUp ? "" : "the grader held the call for item 1 until 2 other calls had finished, so it finished after them");
    }

    [OnRealThreads]
    [TestCase(2, TestName = "A_slow_first_call_holds_up_only_its_own_worker")]
    [TestCase(5, TestName = "A_slow_call_in_the_middle_holds_up_only_its_own_worker")]
    public void A_slow_call_holds_up_only_its_own_worker(int slowItem)
    {
        // 12 items, 3 workers, one slow call (held until the others could all have finished). A pool hands the next item to
        // whichever worker is free, so the other workers go on; a Map that works in batches of maxConcurrency waits for the
        // slow call before it starts the next batch: it gets no further than the end of the slow call's batch.
        const int Items = 12;
        var endOfItsBatch = (slowItem + Limit - 1) / Limit * Limit;
        // More than a batcher can finish while the slow call runs (the items before the end of its batch); far fewer than a
        // pool does, even one whose workers got their shares up front (PLINQ's range partitions): the slow call holds up at
        // most the items behind it in its own share.
        var needed = endOfItsBatch;
        var calls = new Calls(Items, Limit, Scheduling.RealThreads) { HeldItem = slowItem, HeldUntilFinished = needed };
        var call = $"Map({Calls.List(calls.Items)}, f, maxConcurrency: {Limit}) where the call for item {slowItem} is slow";
        var results = calls.MapBounded(s_runLimit, "running " + call);
        var finished = calls.FinishedWhileHeld;

        Invariant.Holds(!calls.HeldGaveUp,
            $"{call}: the grader held it until {needed} other calls had finished (the other workers of a pool get there at once), " +
            $"but in 5 s only {finished} did, though {Limit - 1} workers were free and items were left. " +
            (calls.MostInside <= 1
                ? "Your Map runs one call at a time: nothing else starts while a call runs (see Calls_really_run_together). "
                : finished <= endOfItsBatch - 1
                ? $"Your Map works in batches of maxConcurrency: it starts items {slowItem - (slowItem - 1) % Limit} to " +
                  $"{endOfItsBatch} together and waits for all of them before it starts the next {Limit}, so one slow call idles " +
                  "the other workers. "
                : "") +
            "A pool hands the next item to whichever worker is free (the lesson's Pool, Parallel.For, workers that take the " +
            "next index with Interlocked.Increment): a slow call holds up its own worker only." +
            $"\nRead next: {ReadNext}");
        calls.MustHaveMappedEachItemOnceInOrder(results, $"the call for item {slowItem} finished after {finished} others");
    }

    [Core]
    [Test]
    public void Every_item_goes_to_the_function_exactly_once()
    {
        new ConcurrencyCheck
        {
            KataType = typeof(Pool),
            Property = "every item goes to the function exactly once, and its result comes back in its place",
            Iteration = () => Once(Scheduling.Systematic),
            StressIteration = () => Once(Scheduling.RealThreads),
            ExplainDeadlock = _calls.Explain(calls => calls.ExplainStuck(), NoCallsYet),
            ReadNext = ReadNext,
            Settings = s_exploration,
        }.Verify();
    }

    [Core]
    [TestCase(3, TestName = "At_most_maxConcurrency_calls_run_at_once")]
    [TestCase(1, TestName = "At_most_one_call_runs_at_once_in_a_pool_of_one")]
    public void At_most_maxConcurrency_calls_run_at_once(int limit)
    {
        new ConcurrencyCheck
        {
            KataType = typeof(Pool),
            Property = $"at most maxConcurrency ({limit}) calls of the function run at once",
            Iteration = () => Crowd(Scheduling.Systematic, limit, items: limit + 1).Map(),
            // More items on real threads: a Map that ignores the limit gets the chance to start more workers.
            StressIteration = () => Crowd(Scheduling.RealThreads, limit, items: 4 * limit).Map(),
            StressRuns = limit == 1 ? 50 : 200,
            ExplainDeadlock = _calls.Explain(calls => calls.ExplainStuck(), NoCallsYet),
            ReadNext = ReadNext,
            Settings = s_exploration,
        }.Verify();
    }

    [Core]
    [Test]
    public void Calls_really_run_together()
    {
        new ConcurrencyCheck
        {
            KataType = typeof(Pool),
            Property = $"calls of the function run at the same time when maxConcurrency is {Limit}",
            // Each call, once inside, waits until 2 have been inside together. A Map that runs one at a time never
            // gets there: Coyote reports the deadlock (on real threads, a time-out), and the calls say who waited.
            Iteration = () => Company(Scheduling.Systematic).Map(),
            StressIteration = () => Company(Scheduling.RealThreads).Map(),
            StressRuns = 50,
            ExplainDeadlock = _calls.Explain(calls => calls.ExplainStuck(), NoCallsYet),
            ReadNext = ReadNext,
            Settings = s_exploration,
        }.Verify();
    }

    [Test, OnRealThreads]
    public void Six_slow_calls_through_Map_are_faster_than_one_after_another()
    {
        var items = Enumerable.Range(1, SlowItems).ToArray();
        string Slow(int item)
        {
            Thread.Sleep(s_slowCall);
            return Calls.Result(item);
        }

        var work = $"{SlowItems} calls of a function that sleeps {s_slowCall.TotalMilliseconds:0} ms";
        var tries = new List<Speedup>();
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            IReadOnlyList<string>? results = null;
            var speedup = Speedup.Measure(work,
                sequential: () =>
                {
                    foreach (var item in items)
                    {
                        Slow(item);
                    }
                },
                concurrent: () => results = Pool.Map(items, Slow, Limit),
                s_runLimit);
            tries.Add(speedup);
            Invariant.Holds(results is not null && results.SequenceEqual(items.Select(Calls.Result)),
                $"Map({Calls.List(items)}, f, maxConcurrency: {Limit}) returned {Calls.Shown(results ?? [])} instead of " +
                $"{Calls.Shown(items.Select(Calls.Result))}.\nRead next: {ReadNext}");
            if (speedup.Ratio >= MinSpeedup)
            {
                TestContext.Out.WriteLine(speedup);
                return;
            }
        }

        var best = tries.MaxBy(t => t.Ratio)!;
        Invariant.Holds(false,
            $"Map over {SlowItems} calls that sleep {s_slowCall.TotalMilliseconds:0} ms each, with maxConcurrency {Limit}, " +
            $"should take about {SlowItems / Limit} x {s_slowCall.TotalMilliseconds:0} ms ({Limit} calls at a time, " +
            $"{SlowItems / Limit} rounds): up to {Limit} times faster than one after another. In {tries.Count} tries it was " +
            $"at best {best.Ratio:0.0}x faster (at least {MinSpeedup:0.0}x is needed):\n" +
            string.Join("\n", tries.Select(t => "  " + t)) + "\n" +
            "Your Map does not run the calls at the same time: it waits for one before it starts the next. " +
            $"If Calls_really_run_together fails too, start there.\nRead next: {ReadNext}");
    }

    [Test, OnRealThreads]
    public void Thousands_of_quick_items_are_each_mapped_once()
    {
        // Many tiny calls: shared state that is not thread-safe (a List<T> all workers Add to, an index read and moved on
        // in two steps) gets hit thousands of times per run, on real threads. The results are bulky (256 bytes): a List<T>
        // that grows copies them all, and while it copies, another worker's Add goes into the array being left behind.
        // With string results that window was a few microseconds, and a busy 2-core machine let 5 runs of a shared
        // List<T> lose nothing.
        const int Count = 10_000, Runs = 5;
        var items = Enumerable.Range(1, Count).ToArray();
        for (var run = 1; run <= Runs; run++)
        {
            var timesCalled = new int[Count];
            Bulky Quick(int item)
            {
                Interlocked.Increment(ref timesCalled[item - 1]);
                return new Bulky(item);
            }

            var call = $"Map over the items 1..{Count} with a function that returns at once, maxConcurrency {Limit} (run {run} of {Runs})";
            IReadOnlyList<Bulky>? results = null;
            Exception? thrown = null;
            Bounded.Run(s_runLimit, "running " + call, () =>
            {
                try
                {
                    results = Pool.Map(items, Quick, Limit);
                }
                catch (Exception e)
                {
                    thrown = e;
                }
            });

            Invariant.Holds(thrown is null,
                $"{call} threw {Describe(thrown)}, although the function never throws. Several threads changed something " +
                "shared at the same time: a List<T> (Add is not thread-safe: two Adds at once can lose an item, or break " +
                "the list), or an index moved on in two steps. Give each item its own slot, `results[i] = " +
                $"function(items[i])` in an array made before the workers start.\nRead next: {ReadNext}");
            Calls.MustBeMappedOnceInOrder(items, timesCalled, results?.Select(result => result.Shown).ToList(), call);
        }
    }

    /// <summary>A result of 256 bytes that says which item it came from (f(item)); a slot nobody wrote shows as null.</summary>
    private readonly struct Bulky(int item)
    {
        // Never read: it only makes every result 256 bytes, so that a List<T> that grows copies for long.
#pragma warning disable CS0414
        private readonly Padding _padding = default;
#pragma warning restore CS0414

        public int Item { get; } = item;

        public string? Shown => Item == 0 ? null : Calls.Result(Item);

        [System.Runtime.CompilerServices.InlineArray(31)]
        private struct Padding
        {
            private long _element;
        }
    }

    [Test]
    public void An_exception_in_the_function_reaches_the_caller()
    {
        new ConcurrencyCheck
        {
            KataType = typeof(Pool),
            Property = "when the function throws for an item, Map throws it to its caller, once no call is running",
            // Item 2: the items after it may still be running when it fails, and Map must wait for them before it throws.
            Iteration = () => Failing(Scheduling.Systematic, [2]),
            StressIteration = () => Failing(Scheduling.RealThreads, [2]),
            StressRuns = 50,
            ExplainDeadlock = _calls.Explain(calls => calls.ExplainStuck(), NoCallsYet),
            ReadNext = ReadNext,
            Settings = s_exploration,
        }.Verify();
    }

    [Test]
    public void Two_failures_at_once_both_reach_the_caller()
    {
        // Two items fail, and their calls wait for each other: both throw at the same moment. The two sit in different shares
        // of every way of splitting the list among 2 or 3 workers up front (PLINQ's contiguous partitions, Parallel.For's
        // ranges, every third item for one worker), so every pool has them inside together: items 2 and 3 of 4, 1 and 6 of 6.
        new ConcurrencyCheck
        {
            KataType = typeof(Pool),
            Property = "when the function throws for two items at once, Map throws both to its caller, once no call is running",
            Iteration = () => Failing(Scheduling.Systematic, [2, 3], together: true),
            StressIteration = () => Failing(Scheduling.RealThreads, [1, SlowItems], together: true),
            StressRuns = 50,
            ExplainDeadlock = _calls.Explain(calls => calls.ExplainStuck(), NoCallsYet),
            ReadNext = ReadNext,
            Settings = s_exploration,
        }.Verify();
    }

    [Test]
    public void Two_Maps_at_once_keep_their_own_items()
    {
        // Two threads of one program, each mapping its own list through the same static Pool.Map.
        new ConcurrencyCheck
        {
            KataType = typeof(Pool),
            Property = "two Maps running at the same time each map their own items, with their own results",
            Iteration = () => TwoMaps(Scheduling.Systematic, items: 2),
            StressIteration = () => TwoMaps(Scheduling.RealThreads, items: SlowItems),
            StressRuns = 50,
            ExplainDeadlock = _calls.Explain(calls => calls.ExplainStuck(), NoCallsYet),
            ReadNext = ReadNext,
            Settings = s_exploration,
        }.Verify();
    }

    [Test, OnRealThreads]
    public void An_empty_list_gives_an_empty_result()
    {
        var called = 0;
        var results = Bounded.Run(s_runLimit, "running Map over an empty list",
            () => Pool.Map(Array.Empty<int>(), item =>
            {
                Interlocked.Increment(ref called);
                return Calls.Result(item);
            }, Limit));

        Invariant.Holds(results is not null && results.Count == 0,
            $"Map([], f, maxConcurrency: {Limit}) returned {(results is null ? "null" : Calls.Shown(results))}. Over no items " +
            $"it returns an empty list (Python's pool.map(f, []) returns []).\nRead next: {ReadNext}");
        Invariant.Holds(called == 0,
            $"Map([], f, maxConcurrency: {Limit}) called the function {called} times: with no items there is nothing to call " +
            $"it with. Take an index only if it is below items.Count.\nRead next: {ReadNext}");
    }

    [Test, OnRealThreads]
    public void Fewer_items_than_workers_are_mapped_too()
    {
        foreach (int[] items in (int[][])[[7], [7, 8]])
        {
            var timesCalled = new int[items.Length];
            string Function(int item)
            {
                Interlocked.Increment(ref timesCalled[Array.IndexOf(items, item)]);
                return Calls.Result(item);
            }

            var call = $"Map({Calls.List(items)}, f, maxConcurrency: {Limit})";
            var results = Bounded.Run(s_runLimit, "running " + call, () => Pool.Map(items, Function, Limit));
            Calls.MustBeMappedOnceInOrder(items, timesCalled, results, call);
        }
    }

    [Test, OnRealThreads]
    public void A_limit_below_one_is_rejected()
    {
        foreach (var limit in new[] { 0, -1 })
        {
            Exception? thrown = null;
            Bounded.Run(s_runLimit, $"calling Map with maxConcurrency {limit}", () =>
            {
                try
                {
                    Pool.Map([1, 2, 3], Calls.Result, limit);
                }
                catch (Exception e)
                {
                    thrown = e;
                }
            });

            Invariant.Holds(thrown is ArgumentOutOfRangeException,
                $"Map([1, 2, 3], f, maxConcurrency: {limit}) {(thrown is null ? "returned normally" : "threw " + Describe(thrown))}. " +
                "With no workers nothing could ever run: Map must refuse it with an ArgumentOutOfRangeException before it " +
                $"starts anything (Python's Pool(processes=0) raises ValueError).\nRead next: {ReadNext}");
        }
    }

    [Test, OnRealThreads]
    public void The_lesson_program_runs_slow_print_for_5_10_20_together()
    {
        var pause = TimeSpan.FromMilliseconds(500);
        var output = new CappedWriter();
        Bounded.Run(s_runLimit, "running PoolMapProgram.Run (slow_print over [5, 10, 20] with 3 workers)",
            () => PoolMapProgram.Run(output, pause));

        var lines = output.Lines().ToList();
        var shown = $"\nThe program printed:\n{output}";
        Invariant.Holds(lines.Count == 7,
            $"PoolMapProgram.Run printed {lines.Count} lines; it prints 7: a \"Вызов\" and a \"Конец\" line for each of 5, 10 " +
            $"and 20, then the results.{shown}\nRead next: {ReadNext}");
        foreach (var number in PoolMapProgram.Numbers)
        {
            var start = lines.FindIndex(line => line.StartsWith($"Вызов {number} ", StringComparison.Ordinal));
            var end = lines.FindIndex(line => line.StartsWith($"Конец {number} ", StringComparison.Ordinal));
            Invariant.Holds(start >= 0 && end > start,
                $"slow_print({number}) must print a \"Вызов {number}\" line and, after it, a \"Конец {number}\" line: every " +
                $"number goes to slow_print once.{shown}\nRead next: {ReadNext}");
        }

        // The lesson shows all three starting at once; two is what a pool must manage (see Calls.MustRunTogether).
        var firstEnd = lines.FindIndex(line => line.StartsWith("Конец ", StringComparison.Ordinal));
        Invariant.Holds(firstEnd >= 2,
            $"With 3 workers, slow_print starts for 5, 10 and 20 together (\"Вызов\" lines one after another), and they end " +
            $"{pause.TotalMilliseconds:0} ms later (\"Конец\" lines), as in the lesson. Your Map ran them one at a time: " +
            $"each \"Вызов\" came only after the call before it had ended.{shown}\nRead next: {ReadNext}");
        Invariant.Holds(lines[6] == "[5, 10, 20]",
            $"The last line is the list Map returned, in the order of the numbers: [5, 10, 20], not \"{lines[6]}\".{shown}" +
            $"\nRead next: {ReadNext}");
    }

    private void Once(Scheduling scheduling)
    {
        var calls = _calls.Play(new Calls(ItemsFor(scheduling), Limit, scheduling));
        var results = calls.Map();
        calls.MustHaveMappedEachItemOnceInOrder(results);
    }

    private Calls Crowd(Scheduling scheduling, int limit, int items) =>
        _calls.Play(new Calls(items, limit, scheduling) { CountsAgainstLimit = true, Pause = TimeSpan.FromMilliseconds(2) });

    private Calls Company(Scheduling scheduling) =>
        _calls.Play(new Calls(ItemsFor(scheduling), Limit, scheduling) { WaitForCompany = true });

    private static int ItemsFor(Scheduling scheduling) => scheduling == Scheduling.Systematic ? SystematicItems : SlowItems;

    private void Failing(Scheduling scheduling, int[] failingItems, bool together = false)
    {
        var calls = _calls.Play(new Calls(ItemsFor(scheduling), Limit, scheduling) { FailingItems = failingItems, FailTogether = together });
        var call = $"Map({Calls.List(calls.Items)}, f, maxConcurrency: {Limit})";
        var where = failingItems.Length == 1
            ? $"where f throws InvalidOperationException(\"item {failingItems[0]} failed\") for item {failingItems[0]}"
            : $"where f throws for items {failingItems[0]} and {failingItems[1]} at the same moment (InvalidOperationException(\"item " +
              $"{failingItems[0]} failed\") and (\"item {failingItems[1]} failed\"))";
        var results = calls.RunMap(out var thrown);

        calls.ThrowIfBroken();
        var failures = calls.Failures;
        var never = failingItems.Where(item => !failures.Any(f => f.Message == $"item {item} failed")).ToList();
        Invariant.Holds(never.Count == 0,
            $"{call}, {where}: f was never called with {string.Join(" and ", never)}, so it never threw. Every item must go to the " +
            "function.");
        Invariant.Holds(thrown is not null,
            $"{call}, {where}: Map returned {Calls.Shown(results ?? [])} normally, as if nothing had gone wrong. The caller must " +
            "learn that an item failed (the lesson's pool.map raises the worker's exception again in the caller). Parallel.For " +
            "does it for you: it throws an AggregateException holding the exception. With workers of your own, catch the " +
            "exception in the worker, keep it, and throw it from Map once every worker is done.");
        Invariant.Holds(failures.Any(failure => Holds(thrown!, failure)),
            $"{call}, {where}: Map threw {Describe(thrown)}, which is not the function's exception and does not hold it. Let the " +
            "function's own exception through: directly, or inside an AggregateException (as Parallel.For and PLINQ do), so " +
            "that the caller can see what failed.");

        var stillInside = calls.InsideWhenMapEnded;
        Invariant.Holds(stillInside.Count == 0,
            $"{call}, {where}: Map threw {Describe(thrown)} while the {(stillInside.Count == 1 ? "call" : "calls")} for " +
            $"{string.Join(" and ", stillInside)} {(stillInside.Count == 1 ? "was" : "were")} still running. Map throws only once " +
            "every call it started has ended (Parallel.For waits for the iterations that are running, then throws): its caller " +
            "must not get the exception while workers of yours still run the function for it. Reading the results task by task " +
            "(.Result, .Wait()) throws at the first failed task and leaves the later ones running: wait for all of them " +
            "(Task.WaitAll, Task.WhenAll) or Join every worker before you throw.");

        if (failures.Count > 1 && thrown is AggregateException)
        {
            var missing = failures.Where(failure => !Holds(thrown, failure)).ToList();
            Invariant.Holds(missing.Count == 0,
                $"{call}, {where}: Map threw {Describe(thrown)}, which holds {Held(thrown, failures)} but not " +
                $"{string.Join(" and ", missing.Select(m => $"\"{m.Message}\""))}. An AggregateException stands for every failure: " +
                "the caller reads its InnerExceptions to learn which items failed, and must find all of them (Parallel.For keeps " +
                "every exception its iterations threw). Two workers that fail at the same moment must not overwrite each " +
                "other's exception: collect them all (a ConcurrentQueue, or a List under a lock) and throw " +
                "new AggregateException(all of them). (Throwing one of them itself, as Python does, is accepted too.)");
        }
    }

    private void TwoMaps(Scheduling scheduling, int items)
    {
        var first = new Calls(items, 2, scheduling);
        var second = new Calls(items, 2, scheduling, first: 101);
        _calls.Play(first);
        var finished = GraderThreads.Run(s_runLimit,
            () => first.MustHaveMappedEachItemOnceInOrder(first.Map(), "while another Map ran at the same time"),
            () => second.MustHaveMappedEachItemOnceInOrder(second.Map(), "while another Map ran at the same time"));
        Invariant.Holds(finished,
            $"Two Maps at once (over {Calls.List(first.Items)} and {Calls.List(second.Items)}, maxConcurrency 2 each) did not " +
            $"finish within {s_runLimit.TotalSeconds:0} s.");
    }

    /// <summary>Which of <paramref name="failures"/> <paramref name="thrown"/> holds, for a message.</summary>
    private static string Held(Exception thrown, IReadOnlyList<Exception> failures)
    {
        var held = failures.Where(failure => Holds(thrown, failure)).Select(failure => $"\"{failure.Message}\"").ToList();
        return held.Count == 0 ? "none of them" : string.Join(" and ", held);
    }

    /// <summary>Whether <paramref name="thrown"/> is <paramref name="failure"/>, or holds it as an inner exception.</summary>
    private static bool Holds(Exception? thrown, Exception failure) => thrown switch
    {
        null => false,
        _ when ReferenceEquals(thrown, failure) => true,
        AggregateException many => many.InnerExceptions.Any(inner => Holds(inner, failure)),
        _ => Holds(thrown.InnerException, failure),
    };

    private static string Describe(Exception? e) => e is null ? "nothing" : $"{e.GetType().Name}(\"{e.Message}\")";
}
