namespace Katas.PoolMap;

// Known wrong: a task per item behind a SemaphoreSlim (kata 07's throttle), and the results read task by task with
// .Result, in the order of the items. The order is right, the limit holds; but .Result throws at the first failed
// task it reaches, while the calls of later items are still running: Map's caller has the exception (and may
// dispose what those calls use) while the pool still works for it.
public static class Pool
{
    public static IReadOnlyList<TOut> Map<TIn, TOut>(IReadOnlyList<TIn> items, Func<TIn, TOut> function, int maxConcurrency)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);

        var slots = new SemaphoreSlim(maxConcurrency, maxConcurrency);
        var tasks = items.Select(item => Task.Run(() =>
        {
            slots.Wait();
            try
            {
                return function(item);
            }
            finally
            {
                slots.Release();
            }
        })).ToList();

        var results = new TOut[items.Count];
        for (var i = 0; i < tasks.Count; i++)
        {
            results[i] = tasks[i].Result;
        }

        return results;
    }
}
