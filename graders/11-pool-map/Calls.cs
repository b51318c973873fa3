using Katas.PoolMap;

namespace Katas.Graders.PoolMap;

/// <summary>
/// One call of <see cref="Pool.Map{TIn, TOut}"/> over the items 1..n, with the grader's function: it counts
/// which items are inside it at the same time and how many times each item came in, so that "too many at
/// once", "not enough together" and "an item twice" are seen where they happen and told in the student's
/// terms (which items, which limit).
/// </summary>
internal sealed class Calls
{
    private const int NotCalled = 0, Inside = 1, Done = 2;

    /// <summary>How long a call waits, on real threads, for something a correct Map does at once.</summary>
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(3);

    /// <summary>How long, on real threads, a held call waits for other calls to finish: a correct Map needs milliseconds.</summary>
    private static readonly TimeSpan s_holdPatience = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Scheduling points a call stays inside under Coyote: a real function takes a while, and while it does,
    /// the other workers go on. With none, every call would be over before the next worker got its turn.
    /// </summary>
    private const int StepsInside = 1;

    private readonly object _gate = new();
    private readonly Scheduling _scheduling;
    private readonly int[] _timesCalled;
    private readonly int[] _states;
    private readonly List<Exception> _failures = [];
    private int _inside;
    private int _mostInside;
    private bool _gaveUp;
    private string? _broken;
    private bool _failuresMet;
    private int _othersFinished;
    private int _finishedWhileHeld;
    private bool _heldGaveUp;
    private bool _mapEnded;
    private List<int> _insideWhenMapEnded = [];

    /// <param name="items">How many items.</param>
    /// <param name="limit">The maxConcurrency given to Map.</param>
    /// <param name="scheduling">Under Coyote or on real threads.</param>
    /// <param name="first">The first item: first, first + 1, ... (two Maps at once get items of their own).</param>
    public Calls(int items, int limit, Scheduling scheduling, int first = 1)
    {
        Items = Enumerable.Range(first, items).ToArray();
        First = first;
        Limit = limit;
        _scheduling = scheduling;
        _timesCalled = new int[items];
        _states = new int[items];
    }

    /// <summary>The items given to Map: first, first + 1, ..., first + n - 1 (1, 2, ..., n unless told otherwise).</summary>
    public int[] Items { get; }

    public int First { get; }

    public int Limit { get; }

    /// <summary>
    /// Each call, once inside, waits until <see cref="MustRunTogether"/> calls have been inside together. A Map
    /// that runs one call at a time can never get there: under Coyote that is a deadlock, on real threads a
    /// time-out.
    /// </summary>
    public bool WaitForCompany { get; init; }

    /// <summary>
    /// How many calls a correct Map must have run at once at some point: 2, not <see cref="Limit"/>.
    /// MaxDegreeOfParallelism and WithDegreeOfParallelism are ceilings, and PLINQ or Parallel.For may use fewer
    /// workers than the ceiling (fewer threads free, fewer partitions); a Map that does is still correct. Two
    /// together is what tells a pool from a loop.
    /// </summary>
    public int MustRunTogether => Math.Min(2, Items.Length);

    /// <summary>
    /// Whether a call that finds more than <see cref="Limit"/> calls inside breaks the run. Only the check of that
    /// property sets it, so that every other check fails for its own property, with its own message.
    /// </summary>
    public bool CountsAgainstLimit { get; init; }

    /// <summary>How long a call stays inside on real threads (the stress fallback), so that calls overlap.</summary>
    public TimeSpan Pause { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>The items whose calls throw (an InvalidOperationException naming the item), if any.</summary>
    public IReadOnlyCollection<int> FailingItems { get; init; } = [];

    /// <summary>
    /// Whether the failing calls wait, once inside, until every one of them is inside: then they all throw at the same
    /// moment (two failures at once). Under Coyote the wait is untimed; on real threads it gives up after a while.
    /// </summary>
    public bool FailTogether { get; init; }

    /// <summary>
    /// The item whose call is slow: once inside, it waits until <see cref="HeldUntilFinished"/> other calls have finished
    /// (on real threads, for a while at most). Which call finishes first is then the grader's choice, not the machine's.
    /// </summary>
    public int? HeldItem { get; init; }

    /// <summary>How many other calls must have finished before the call of <see cref="HeldItem"/> returns.</summary>
    public int HeldUntilFinished { get; init; }

    /// <summary>The exceptions the failing calls threw so far, in the order they threw.</summary>
    public IReadOnlyList<Exception> Failures
    {
        get
        {
            lock (_gate)
            {
                return _failures.ToList();
            }
        }
    }

    /// <summary>Whether the held call gave up waiting (on real threads) before enough other calls had finished.</summary>
    public bool HeldGaveUp
    {
        get
        {
            lock (_gate)
            {
                return _heldGaveUp;
            }
        }
    }

    /// <summary>How many other calls had finished when the held call stopped waiting.</summary>
    public int FinishedWhileHeld
    {
        get
        {
            lock (_gate)
            {
                return _finishedWhileHeld;
            }
        }
    }

    /// <summary>The most calls that were inside the function at the same moment.</summary>
    public int MostInside
    {
        get
        {
            lock (_gate)
            {
                return _mostInside;
            }
        }
    }

    /// <summary>The items whose calls were still inside the function when Map returned or threw.</summary>
    public IReadOnlyList<int> InsideWhenMapEnded
    {
        get
        {
            lock (_gate)
            {
                return _insideWhenMapEnded.ToList();
            }
        }
    }

    /// <summary>What the function returns for an item, so that a result shows which item it came from.</summary>
    public static string Result(int item) => $"f({item})";

    public string Function(int item)
    {
        var index = item - First;
        string? tooMany = null;
        lock (_gate)
        {
            if (index < 0 || index >= _timesCalled.Length)
            {
                tooMany = $"Map called the function with {item}, which is not one of the items {List(Items)}.";
            }
            else if (_mapEnded)
            {
                tooMany =
                    $"The function was called with {item} after Map({List(Items)}, f, maxConcurrency: {Limit}) had already " +
                    "returned or thrown: a worker of yours goes on after Map has left. Map must wait for all the workers before " +
                    "it returns or throws: Join them, or wait for their tasks.";
            }
            else
            {
                _timesCalled[index]++;
                _states[index] = Inside;
                _inside++;
                _mostInside = Math.Max(_mostInside, _inside);
                if (CountsAgainstLimit && _inside > Limit)
                {
                    tooMany =
                        $"{_inside} calls of the function were running at once, but maxConcurrency is {Limit}: " +
                        $"{Describe(ItemsIn(Inside))} were all inside it. Map must never run more than maxConcurrency " +
                        "calls at the same time (the lesson's Pool(processes=3) has 3 workers, not one per item): with " +
                        "Parallel.For, set ParallelOptions.MaxDegreeOfParallelism = maxConcurrency; with workers of your " +
                        "own, start exactly maxConcurrency of them (or fewer, if there are fewer items).";
                }
            }

            Monitor.PulseAll(_gate);
        }

        if (tooMany is not null)
        {
            Break(tooMany);
        }

        if (WaitForCompany)
        {
            WaitUntilEnoughWereInside();
        }
        else if (FailTogether && FailingItems.Contains(item))
        {
            WaitForTheOtherFailures();
        }
        else if (item == HeldItem)
        {
            HoldUntilOthersFinished();
        }
        else if (_scheduling == Scheduling.RealThreads)
        {
            Thread.Sleep(Pause);
        }
        else
        {
            for (var step = 0; step < StepsInside; step++)
            {
                lock (_gate)
                {
                    _ = _inside;
                }
            }
        }

        lock (_gate)
        {
            _inside--;
            if (index >= 0 && index < _states.Length)
            {
                _states[index] = Done;
            }

            if (item != HeldItem)
            {
                _othersFinished++;
            }

            Monitor.PulseAll(_gate);
        }

        if (FailingItems.Contains(item))
        {
            Exception failure;
            lock (_gate)
            {
                failure = new InvalidOperationException($"item {item} failed");
                _failures.Add(failure);
            }

            throw failure;
        }

        return Result(item);
    }

    /// <summary>
    /// Runs Map over the items with this function and notes what was still running when it returned or threw; returns
    /// the results, or null with what it threw.
    /// </summary>
    public IReadOnlyList<string>? RunMap(out Exception? thrown)
    {
        thrown = null;
        IReadOnlyList<string>? results = null;
        try
        {
            results = Pool.Map(Items, Function, Limit);
        }
        catch (Exception e)
        {
            thrown = e;
        }
        finally
        {
            lock (_gate)
            {
                _mapEnded = true;
                _insideWhenMapEnded = ItemsIn(Inside);
            }
        }

        return results;
    }

    /// <summary>Runs Map over the items with this function, then states what went wrong, if anything did.</summary>
    public IReadOnlyList<string> Map()
    {
        var results = RunMap(out var thrown);
        ThrowIfBroken();
        if (thrown is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(thrown);
        }

        return results!;
    }

    /// <summary>What was recorded as broken while Map ran (on real threads, calls only record; this reports).</summary>
    public void ThrowIfBroken()
    {
        string? broken;
        lock (_gate)
        {
            broken = _broken;
        }

        Invariant.Holds(broken is null, broken!);
    }

    /// <summary>Every item went to the function exactly once, and the results are in the order of the items.</summary>
    /// <param name="results">What Map returned.</param>
    /// <param name="how">What the grader made happen meanwhile, for the message ("while another Map ran").</param>
    public void MustHaveMappedEachItemOnceInOrder(IReadOnlyList<string>? results, string how = "") =>
        MustBeMappedOnceInOrder(Items, TimesCalled(), results,
            $"Map({List(Items)}, f, maxConcurrency: {Limit})" + (how.Length == 0 ? "" : $" ({how})"));

    /// <summary>Runs Map (bounded) where the function never throws; fails if Map threw anyway.</summary>
    public IReadOnlyList<string>? MapBounded(TimeSpan limit, string what)
    {
        Exception? thrown = null;
        var results = Bounded.Run(limit, what, () => RunMap(out thrown));
        ThrowIfBroken();
        Invariant.Holds(thrown is null,
            $"Map({List(Items)}, f, maxConcurrency: {Limit}) threw {thrown?.GetType().Name}(\"{thrown?.Message}\"), though the " +
            "function never throws here.");
        return results;
    }

    public static void MustBeMappedOnceInOrder(IReadOnlyList<int> items, IReadOnlyList<int> timesCalled,
        IReadOnlyList<string?>? results, string call)
    {
        var twice = Enumerable.Range(0, items.Count).Where(i => timesCalled[i] > 1).ToList();
        var never = Enumerable.Range(0, items.Count).Where(i => timesCalled[i] == 0).ToList();
        if (twice.Count > 0 || never.Count > 0)
        {
            var parts = twice.Take(5).Select(i => $"item {items[i]} went to the function {timesCalled[i]} times")
                .Concat(never.Take(5).Select(i => $"item {items[i]} {(twice.Count > 0 ? "never did" : "never went to the function")}"))
                .ToList();
            var untold = Math.Max(0, twice.Count - 5) + Math.Max(0, never.Count - 5);
            if (untold > 0)
            {
                parts.Add($"{untold} more items were mapped a wrong number of times");
            }

            Invariant.Holds(false,
                $"{call}: {Join(parts)}. Every item must go to the function exactly once. " +
                (twice.Count > 0
                    ? "Two workers took the same item: taking the next index and moving it on must be one atomic step " +
                      "(`_next++` is three: read, add, write, and two threads can read the same value). " +
                      "Interlocked.Increment(ref _next) does it in one step and returns the index that is yours alone."
                    : "Map must not return before every item has been through the function: wait for all the workers " +
                      "(Join, Task.WaitAll) before you return."));
        }

        Invariant.Holds(results is not null, $"{call} returned null. It must return one result per item.");
        var expected = items.Select(Result).ToList();
        Invariant.Holds(results!.Count == expected.Count,
            $"{call} returned {results.Count} results for {items.Count} items: {Shown(results)}. It must return one " +
            "result per item. If several threads put results into one List<T> with Add, some Adds get lost (List<T> is " +
            "not thread-safe): give each item its own slot instead, `results[i] = function(items[i])` in an array made " +
            "before the workers start.");
        var misplaced = Enumerable.Range(0, expected.Count).FirstOrDefault(i => results[i] != expected[i], -1);
        Invariant.Holds(misplaced < 0,
            $"{call} returned {Shown(results)}, but the results must be in the order of the items: {Shown(expected)}, " +
            "whatever order the calls finish in (the lesson's pool.map returns them that way). " +
            (results.Order(StringComparer.Ordinal).SequenceEqual(expected.Order(StringComparer.Ordinal))
                ? "Every result is there, in the wrong place: they are in the order the calls finished, not the order of " +
                  "the items, or several threads wrote into one shared List<T> at once and mixed its entries up " +
                  "(List<T> is not thread-safe: two Adds at the same moment can tear an entry in two). Put the result " +
                  "of items[i] at index i: `results[i] = function(items[i])` in an array made before the workers start."
                : $"At index {misplaced} there is {results[misplaced] ?? "null"} instead of {expected[misplaced]}." +
                  (results.Any(result => result is null)
                      ? " A null is a slot nobody wrote: a worker had not finished when Map returned, or two List<T>.Add " +
                        "calls at once lost a result (List<T> is not thread-safe)."
                      : "")));
    }

    /// <summary>Why calls could not go on: read after Coyote reported a deadlock, or after a time-out on real threads.</summary>
    public string ExplainStuck()
    {
        List<int> inside, done;
        int most;
        lock (_gate)
        {
            inside = ItemsIn(Inside);
            done = ItemsIn(Done);
            most = _mostInside;
        }

        if (inside.Count == 0)
        {
            return $"Map({List(Items)}, f, maxConcurrency: {Limit}) stopped making progress although no call of the " +
                "function was running: a worker waits for something that never comes.";
        }

        if (FailTogether && most > 1)
        {
            var partners = FailingItems.Except(inside).ToList();
            return $"Map({List(Items)}, f, maxConcurrency: {Limit}), where the calls for {Describe(FailingItems.ToList())} throw " +
                "at the same moment (each waits inside until the other is in too): " +
                $"{Describe(inside)} {(inside.Count == 1 ? "was" : "were")} inside the function, waiting for " +
                $"{Describe(partners)}; {(done.Count == 0 ? "no call had finished" : Describe(done) + " had finished")}, and no " +
                $"other call started, though {Limit - inside.Count} of the {Limit} workers were free and items were left. Your Map " +
                "waits for a whole batch of calls before it starts the next one (or gave each worker its items up front, the " +
                "waiting one among them). A pool hands the next item to whichever worker is free: Parallel.For, or workers " +
                "that take the next index with Interlocked.Increment.";
        }

        return $"Map({List(Items)}, f, maxConcurrency: {Limit}) must run calls of the function at the same time (up to " +
            $"{Limit} at once; at least {MustRunTogether} together at some point), but it ran " +
            (most <= 1 ? "only one at a time: your Map calls the function one item after another.\n" : $"at most {most} together.\n") +
            $"{Capitalized(Describe(inside))} {(inside.Count == 1 ? "was" : "were")} inside the function, waiting for " +
            $"company; {(done.Count == 0 ? "no call had finished" : Describe(done) + " had finished")}, and no other call " +
            $"started. A pool of {Limit} (the lesson's Pool(processes={Limit})) runs up to {Limit} calls at once while items " +
            "are left: one at a time is a pool of 1, no faster than a loop. With Parallel.For, give it ParallelOptions with " +
            "MaxDegreeOfParallelism = maxConcurrency (not 1); with workers of your own, start maxConcurrency of them and " +
            "start them all before you wait for any.";
    }

    private void WaitUntilEnoughWereInside()
    {
        var together = MustRunTogether;
        string? stuck = null;
        lock (_gate)
        {
            while (_mostInside < together && !_gaveUp)
            {
                // On giving up the others go too, so that Map returns and the message can be read.
                if (!_scheduling.WaitOnce(_gate, s_patience, () => _mostInside >= MustRunTogether, GiveUp))
                {
                    stuck = "";
                }
            }
        }

        if (stuck is not null)
        {
            Break(ExplainStuck());
        }
    }

    private void WaitForTheOtherFailures()
    {
        string? stuck = null;
        lock (_gate)
        {
            while (!_failuresMet && !_gaveUp)
            {
                if (FailingItems.All(failing => _states[failing - First] == Inside))
                {
                    _failuresMet = true;
                    Monitor.PulseAll(_gate);
                    break;
                }

                if (!_scheduling.WaitOnce(_gate, s_patience, () => _failuresMet || FailingItems.All(failing => _states[failing - First] == Inside), GiveUp))
                {
                    stuck = "";
                }
            }
        }

        if (stuck is not null)
        {
            Break(ExplainStuck());
        }
    }

    private void GiveUp() => _gaveUp = true;

    private void HoldUntilOthersFinished()
    {
        lock (_gate)
        {
            var until = DateTime.UtcNow + s_holdPatience;
            while (_othersFinished < HeldUntilFinished)
            {
                if (_scheduling == Scheduling.Systematic)
                {
                    Monitor.Wait(_gate);
                    continue;
                }

                var left = until - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !Monitor.Wait(_gate, left) && _othersFinished < HeldUntilFinished)
                {
                    _heldGaveUp = true;
                    break;
                }
            }

            _finishedWhileHeld = _othersFinished;
        }
    }

    /// <summary>
    /// Records what broke. Under Coyote it is reported at once, so that the exploration stops on the very
    /// schedule that broke it; on real threads it is reported after Map returns (throwing here would only
    /// reach the student's exception handling).
    /// </summary>
    private void Break(string message)
    {
        lock (_gate)
        {
            _broken ??= message;
        }

        if (_scheduling == Scheduling.Systematic)
        {
            Invariant.Holds(false, message);
        }
    }

    private int[] TimesCalled()
    {
        lock (_gate)
        {
            return (int[])_timesCalled.Clone();
        }
    }

    private List<int> ItemsIn(int state) => Enumerable.Range(0, _states.Length).Where(i => _states[i] == state).Select(i => Items[i]).ToList();

    private static string Describe(List<int> items) => items.Count switch
    {
        0 => "no item",
        1 => $"item {items[0]}",
        _ => "items " + Join(items.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList()),
    };

    private static string Join(IReadOnlyList<string> parts) => parts.Count switch
    {
        0 => "",
        1 => parts[0],
        _ => string.Join(", ", parts.Take(parts.Count - 1)) + " and " + parts[^1],
    };

    /// <summary>A list as the student would print it; a long one shortened to its first and last few.</summary>
    public static string List<T>(IEnumerable<T> values)
    {
        var all = values.Select(v => v?.ToString() ?? "null").ToList();
        return all.Count <= 12
            ? "[" + string.Join(", ", all) + "]"
            : "[" + string.Join(", ", all.Take(6)) + ", ... (" + (all.Count - 9) + " more) ..., " + string.Join(", ", all.TakeLast(3)) + "]";
    }

    public static string Shown(IEnumerable<string?> results) => List(results.Select(r => r ?? "null"));

    private static string Capitalized(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
