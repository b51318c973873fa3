namespace Katas.PoolMap;

// Known wrong: the README's "Going further" read as "the sensible number of workers is the number of cores", and
// maxConcurrency forgotten: Parallel.For gets MaxDegreeOfParallelism = Environment.ProcessorCount. On a 2-core
// machine a pool of 3 runs 2 at a time (slower, but within the limit); a pool of 1 runs 2 at a time: over its limit.
public static class Pool
{
    public static IReadOnlyList<TOut> Map<TIn, TOut>(IReadOnlyList<TIn> items, Func<TIn, TOut> function, int maxConcurrency)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);

        var results = new TOut[items.Count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount };
        Parallel.For(0, items.Count, options, i => results[i] = function(items[i]));
        return results;
    }
}
