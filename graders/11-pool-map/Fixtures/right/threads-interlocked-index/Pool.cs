namespace Katas.PoolMap;

// Known right: the pool by hand. maxConcurrency threads (fewer if there are fewer items) take the next index
// with Interlocked.Increment, which hands each index to exactly one worker; each writes its result into the
// item's own slot. A worker catches what the function throws and stops taking items; after every Join, Map
// throws what was caught. Coyote controls all of it: the systematic check runs.
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
        for (var w = 0; w < Math.Min(maxConcurrency, items.Count); w++)
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

                        return;
                    }
                }
            }));
        }

        workers.ForEach(worker => worker.Start());
        workers.ForEach(worker => worker.Join());
        return failures.Count == 0 ? results : throw new AggregateException(failures);
    }
}
