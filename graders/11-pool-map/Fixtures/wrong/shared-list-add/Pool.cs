namespace Katas.PoolMap;

// Known wrong: every worker adds (index, result) to one List<T>, and Map sorts it by index at the end, so the
// order is right. But List<T>.Add is not thread-safe: two Adds at the same moment can write the same slot (a
// result is lost) or grow the array twice (an exception, or a default entry).
public static class Pool
{
    public static IReadOnlyList<TOut> Map<TIn, TOut>(IReadOnlyList<TIn> items, Func<TIn, TOut> function, int maxConcurrency)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);

        var finished = new List<(int Index, TOut Result)>();
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxConcurrency };
        Parallel.For(0, items.Count, options, i => finished.Add((i, function(items[i]))));
        return finished.OrderBy(entry => entry.Index).Select(entry => entry.Result).ToList();
    }
}
