namespace Katas.PoolMap;

// Known wrong: the items in batches of maxConcurrency (Chunk): each batch runs together, and the next batch starts
// only when every call of this one has ended. Never more than the limit, results in order, faster than a loop when
// every call takes as long as the others; but one slow call idles the other workers of its batch, and nothing else
// starts until it ends. A pool hands the next item to whichever worker is free.
public static class Pool
{
    public static IReadOnlyList<TOut> Map<TIn, TOut>(IReadOnlyList<TIn> items, Func<TIn, TOut> function, int maxConcurrency)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);

        var results = new TOut[items.Count];
        foreach (var batch in Enumerable.Range(0, items.Count).Chunk(maxConcurrency))
        {
            var tasks = batch.Select(i => Task.Run(() => results[i] = function(items[i]))).ToArray();
            Task.WaitAll(tasks);
        }

        return results;
    }
}
