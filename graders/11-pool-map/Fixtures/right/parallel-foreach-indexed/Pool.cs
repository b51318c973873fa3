namespace Katas.PoolMap;

// Known right: Parallel.ForEach over the items themselves, with the overload that also passes each item's
// index (and the loop state), so the result still goes to its own slot. Coyote passes the runtime's overload
// through uncontrolled (it fails inside the framework); graded code gets the controlled Parallel twin
// (graders/Katas.Grading/Twins/), so Coyote explores it.
public static class Pool
{
    public static IReadOnlyList<TOut> Map<TIn, TOut>(IReadOnlyList<TIn> items, Func<TIn, TOut> function, int maxConcurrency)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);

        var results = new TOut[items.Count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxConcurrency };
        Parallel.ForEach(items, options, (item, _, index) => results[index] = function(item));
        return results;
    }
}
