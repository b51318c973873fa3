using System.Collections.Concurrent;

namespace Katas.PoolMap;

// Known wrong: the results go into a thread-safe queue as the calls finish. Nothing is lost, but the list is
// in the order the calls finished, not the order of the items: the quickest item comes first.
public static class Pool
{
    public static IReadOnlyList<TOut> Map<TIn, TOut>(IReadOnlyList<TIn> items, Func<TIn, TOut> function, int maxConcurrency)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);

        var finished = new ConcurrentQueue<TOut>();
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxConcurrency };
        Parallel.For(0, items.Count, options, i => finished.Enqueue(function(items[i])));
        return finished.ToList();
    }
}
