namespace Katas.PoolMap;

// Known wrong: hand-made workers over a shared Interlocked index, but `<=` where `<` belongs: maxConcurrency + 1
// workers, so 4 calls can run at once in a pool of 3.
public static class Pool
{
    public static IReadOnlyList<TOut> Map<TIn, TOut>(IReadOnlyList<TIn> items, Func<TIn, TOut> function, int maxConcurrency)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);

        var results = new TOut[items.Count];
        var failures = new List<Exception>();
        var next = -1;
        var workers = new List<Thread>();
        for (var w = 0; w <= Math.Min(maxConcurrency, items.Count); w++)
        {
            workers.Add(new Thread(() =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < items.Count)
                {
                    try
                    {
                        results[i] = function(items[i]);
                    }
                    catch (Exception e)
                    {
                        lock (failures)
                        {
                            failures.Add(e);
                        }
                    }
                }
            }));
        }

        workers.ForEach(worker => worker.Start());
        workers.ForEach(worker => worker.Join());
        return failures.Count == 0 ? results : throw new AggregateException(failures);
    }
}
