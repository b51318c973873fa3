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
    private Calls? _last;

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

    [Test, OnRealThreads]
    public void Results_come_back_in_the_order_of_the_items()
    {
        // The earlier the item, the slower its call: with several calls at once, they finish in reverse order.
        var items = Enumerable.Range(1, SlowItems).ToArray();
        var timesCalled = new int[items.Length];
        string Slower(int item)
        {
            Interlocked.Increment(ref timesCalled[item - 1]);
            Thread.Sleep(TimeSpan.FromMilliseconds(40 * (SlowItems + 1 - item)));
            return Calls.Result(item);
        }

        var results = Bounded.Run(s_runLimit, "running Map over 6 items whose calls take 240, 200, ..., 40 ms",
            () => Pool.Map(items, Slower, Limit));

        Calls.MustBeMappedOnceInOrder(items, timesCalled, results,
            $"Map({Calls.List(items)}, f, maxConcurrency: {Limit}) where f takes 240 ms for item 1, 200 ms for item 2, " +
            "..., 40 ms for item 6,");
    }

    [Test]
    public void Every_item_goes_to_the_function_exactly_once()
    {
        new ConcurrencyCheck
        {
            KataType = typeof(Pool),
            Property = "every item goes to the function exactly once, and its result comes back in its place",
            Iteration = () => Once(Scheduling.Systematic),
            StressIteration = () => Once(Scheduling.RealThreads),
            ExplainDeadlock = () => _last!.ExplainStuck(),
            ReadNext = ReadNext,
            Settings = s_exploration,
        }.Verify();
    }

    [Test]
    public void At_most_maxConcurrency_calls_run_at_once()
    {
        new ConcurrencyCheck
        {
            KataType = typeof(Pool),
            Property = $"at most maxConcurrency ({Limit}) calls of the function run at once",
            Iteration = () => Crowd(Scheduling.Systematic, items: SystematicItems).Map(),
            // More items on real threads: a Map that ignores the limit gets the chance to start more workers.
            StressIteration = () => Crowd(Scheduling.RealThreads, items: 4 * Limit).Map(),
            ExplainDeadlock = () => _last!.ExplainStuck(),
            ReadNext = ReadNext,
            Settings = s_exploration,
        }.Verify();
    }

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
            ExplainDeadlock = () => _last!.ExplainStuck(),
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
        // Many tiny calls: shared state that is not thread-safe (a List<T> all workers Add to, an index read and
        // moved on in two steps) gets hit thousands of times per run, on real threads.
        const int Count = 10_000;
        var items = Enumerable.Range(1, Count).ToArray();
        for (var run = 1; run <= 5; run++)
        {
            var timesCalled = new int[Count];
            string Quick(int item)
            {
                Interlocked.Increment(ref timesCalled[item - 1]);
                return Calls.Result(item);
            }

            var call = $"Map over the items 1..{Count} with a function that returns at once, maxConcurrency {Limit} (run {run} of 5)";
            IReadOnlyList<string>? results = null;
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
            Calls.MustBeMappedOnceInOrder(items, timesCalled, results, call);
        }
    }

    [Test]
    public void An_exception_in_the_function_reaches_the_caller()
    {
        new ConcurrencyCheck
        {
            KataType = typeof(Pool),
            Property = "when the function throws for an item, Map throws it to its caller",
            Iteration = () => Failing(Scheduling.Systematic),
            StressIteration = () => Failing(Scheduling.RealThreads),
            StressRuns = 50,
            ExplainDeadlock = () => _last!.ExplainStuck(),
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
        var calls = _last = new Calls(ItemsFor(scheduling), Limit, scheduling);
        var results = calls.Map();
        calls.MustHaveMappedEachItemOnceInOrder(results);
    }

    private Calls Crowd(Scheduling scheduling, int items) =>
        _last = new Calls(items, Limit, scheduling) { CountsAgainstLimit = true, Pause = TimeSpan.FromMilliseconds(2) };

    private Calls Company(Scheduling scheduling) =>
        _last = new Calls(ItemsFor(scheduling), Limit, scheduling) { WaitForCompany = true };

    private static int ItemsFor(Scheduling scheduling) => scheduling == Scheduling.Systematic ? SystematicItems : SlowItems;

    private void Failing(Scheduling scheduling)
    {
        const int FailingItem = 4;
        var calls = _last = new Calls(ItemsFor(scheduling), Limit, scheduling) { FailingItem = FailingItem };
        var call = $"Map({Calls.List(calls.Items)}, f, maxConcurrency: {Limit})";
        IReadOnlyList<string>? results = null;
        Exception? thrown = null;
        try
        {
            results = Pool.Map(calls.Items, calls.Function, Limit);
        }
        catch (Exception e)
        {
            thrown = e;
        }

        calls.ThrowIfBroken();
        var failure = calls.Failure;
        Invariant.Holds(failure is not null,
            $"{call}, where f throws for item {FailingItem}: f was never called with {FailingItem}, so it never threw. " +
            "Every item must go to the function.");
        Invariant.Holds(thrown is not null,
            $"{call}, where f throws InvalidOperationException(\"{failure!.Message}\") for item {FailingItem}: Map returned " +
            $"{Calls.Shown(results ?? [])} normally, as if nothing had gone wrong. The caller must learn that an item " +
            "failed (the lesson's pool.map raises the worker's exception again in the caller). Parallel.For does it for " +
            "you: it throws an AggregateException holding the exception. With workers of your own, catch the exception in " +
            "the worker, keep it, and throw it from Map once every worker is done.");
        Invariant.Holds(Holds(thrown!, failure),
            $"{call}, where f throws InvalidOperationException(\"{failure.Message}\") for item {FailingItem}: Map threw " +
            $"{Describe(thrown)}, which is not that exception and does not hold it. Let the function's own exception " +
            "through: directly, or inside an AggregateException (as Parallel.For and PLINQ do), so that the caller can " +
            "see what failed.");
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
