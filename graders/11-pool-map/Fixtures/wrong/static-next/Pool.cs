namespace Katas.PoolMap;

// Known wrong: the pool by hand in a static class, so its state went into static fields: the shared index and the
// results. One Map at a time works; two Maps at once (two threads of one program, each mapping its own list) reset
// and move on each other's index and write into each other's results.
public static class Pool
{
    private static int s_next;
    private static object?[] s_results = [];

    public static IReadOnlyList<TOut> Map<TIn, TOut>(IReadOnlyList<TIn> items, Func<TIn, TOut> function, int maxConcurrency)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);

        s_next = -1;
        s_results = new object?[items.Count];
        var failures = new List<Exception>();
        var workers = new List<Thread>();
        for (var w = 0; w < Math.Min(maxConcurrency, items.Count); w++)
        {
            workers.Add(new Thread(() =>
            {
                int i;
                while ((i = Interlocked.Increment(ref s_next)) < items.Count)
                {
                    try
                    {
                        s_results[i] = function(items[i]);
                    }
                    catch (Exception e)
                    {
                        lock (failures)
                        {
                            failures.Add(e);
                        }

                        return;
                    }
                }
            }));
        }

        workers.ForEach(worker => worker.Start());
        workers.ForEach(worker => worker.Join());
        if (failures.Count > 0)
        {
            throw new AggregateException(failures);
        }

        return s_results.Cast<TOut>().ToList();
    }
}
