namespace Katas.PoolMap;

// Known wrong: a task per item, each waiting for a free slot by polling a shared counter: "while all slots are
// taken, sleep; then take one". The check and the take are two steps: two tasks can both see a free slot and both
// take it, so maxConcurrency + 1 calls (or more) run at once.
public static class Pool
{
    public static IReadOnlyList<TOut> Map<TIn, TOut>(IReadOnlyList<TIn> items, Func<TIn, TOut> function, int maxConcurrency)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);

        var results = new TOut[items.Count];
        var running = 0;
        var tasks = new Task[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            var index = i;
            tasks[index] = Task.Run(() =>
            {
                while (Volatile.Read(ref running) >= maxConcurrency)
                {
                    Thread.Sleep(1);
                }

                Interlocked.Increment(ref running);
                try
                {
                    results[index] = function(items[index]);
                }
                finally
                {
                    Interlocked.Decrement(ref running);
                }
            });
        }

        Task.WaitAll(tasks);
        return results;
    }
}
