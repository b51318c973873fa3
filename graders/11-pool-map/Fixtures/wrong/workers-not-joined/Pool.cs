namespace Katas.PoolMap;

// Known wrong: hand-made workers are started, but Map returns without waiting for them (no Join). The caller
// gets the array while the workers are still filling it: the last items' slots are still empty (null).
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
        for (var w = 0; w < Math.Min(maxConcurrency, items.Count); w++)
        {
            new Thread(() =>
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
            }).Start();
        }

        return results;
    }
}
