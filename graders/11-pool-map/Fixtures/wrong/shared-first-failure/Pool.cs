namespace Katas.PoolMap;

// Known wrong: the pool by hand, and a worker keeps what the function threw in one shared field. With one failing
// item that is enough; when two calls fail at once, one exception overwrites the other, and Map's AggregateException
// holds only one of them: the caller never learns that the other item failed.
public static class Pool
{
    public static IReadOnlyList<TOut> Map<TIn, TOut>(IReadOnlyList<TIn> items, Func<TIn, TOut> function, int maxConcurrency)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);

        var results = new TOut[items.Count];
        Exception? failure = null;
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
                        failure = e;
                        return;
                    }
                }
            }));
        }

        workers.ForEach(worker => worker.Start());
        workers.ForEach(worker => worker.Join());
        if (failure is not null)
        {
            throw new AggregateException(failure);
        }

        return results;
    }
}
