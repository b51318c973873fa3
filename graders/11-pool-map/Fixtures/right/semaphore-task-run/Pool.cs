namespace Katas.PoolMap;

// Known right: kata 07's throttle. One Task.Run per item, but each waits for one of maxConcurrency slots of a
// SemaphoreSlim before it calls the function, and gives the slot back in `finally`. Task.WaitAll waits for all
// and throws an AggregateException with what they threw. More tasks than workers, but never more than
// maxConcurrency calls at once. Coyote controls Task.Run and SemaphoreSlim: the systematic check runs.
public static class Pool
{
    public static IReadOnlyList<TOut> Map<TIn, TOut>(IReadOnlyList<TIn> items, Func<TIn, TOut> function, int maxConcurrency)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);

        var results = new TOut[items.Count];
        using var slots = new SemaphoreSlim(maxConcurrency, maxConcurrency);
        var tasks = new Task[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            var index = i;
            tasks[index] = Task.Run(() =>
            {
                slots.Wait();
                try
                {
                    results[index] = function(items[index]);
                }
                finally
                {
                    slots.Release();
                }
            });
        }

        Task.WaitAll(tasks);
        return results;
    }
}
