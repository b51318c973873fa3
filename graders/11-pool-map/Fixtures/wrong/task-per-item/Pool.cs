namespace Katas.PoolMap;

// Known wrong: one Task.Run per item and Task.WaitAll. Results in their slots, exceptions in an
// AggregateException, all right, but nothing limits how many run at once: maxConcurrency is never used.
public static class Pool
{
    public static IReadOnlyList<TOut> Map<TIn, TOut>(IReadOnlyList<TIn> items, Func<TIn, TOut> function, int maxConcurrency)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);

        var results = new TOut[items.Count];
        var tasks = new Task[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            var index = i;
            tasks[index] = Task.Run(() => results[index] = function(items[index]));
        }

        Task.WaitAll(tasks);
        return results;
    }
}
