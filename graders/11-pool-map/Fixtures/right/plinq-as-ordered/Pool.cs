namespace Katas.PoolMap;

// Known right: PLINQ, the closest thing to pool.map in one line. AsOrdered keeps the results in the order of
// the items, WithDegreeOfParallelism is the number of workers, and an exception comes out in an
// AggregateException. Coyote cannot run PLINQ, so the grader checks it on real threads and says so.
public static class Pool
{
    public static IReadOnlyList<TOut> Map<TIn, TOut>(IReadOnlyList<TIn> items, Func<TIn, TOut> function, int maxConcurrency)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);

        return items.AsParallel()
            .AsOrdered()
            .WithDegreeOfParallelism(maxConcurrency)
            .Select(function)
            .ToList();
    }
}
