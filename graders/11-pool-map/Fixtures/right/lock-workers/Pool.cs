namespace Katas.PoolMap;

// Known right: the pool by hand with C# 13's System.Threading.Lock: maxConcurrency threads take the next index under
// the lock, each failure is recorded under it too, and after every Join, Map throws an AggregateException of every
// failure. Workers stop taking items once one failed. Hard for the grader: the Lock is compiled as the grader's controlled
// twin, so Coyote explores it like a `lock` on an object; a record type carries each failure's index.
public static class Pool
{
    private sealed record Failure(int Index, Exception Error);

    public static IReadOnlyList<TOut> Map<TIn, TOut>(IReadOnlyList<TIn> items, Func<TIn, TOut> function, int maxConcurrency)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);

        var gate = new Lock();
        var results = new TOut[items.Count];
        var failures = new List<Failure>();
        var next = 0;

        bool TryTake(out int index)
        {
            lock (gate)
            {
                index = next;
                if (failures.Count > 0 || next >= items.Count)
                {
                    return false;
                }

                next++;
                return true;
            }
        }

        var workers = Enumerable.Range(0, Math.Min(maxConcurrency, items.Count)).Select(_ => new Thread(() =>
        {
            while (TryTake(out var i))
            {
                try
                {
                    results[i] = function(items[i]);
                }
                catch (Exception e)
                {
                    lock (gate)
                    {
                        failures.Add(new Failure(i, e));
                    }
                }
            }
        })).ToList();

        workers.ForEach(worker => worker.Start());
        workers.ForEach(worker => worker.Join());
        return failures.Count == 0
            ? results
            : throw new AggregateException(failures.OrderBy(f => f.Index).Select(f => f.Error));
    }
}
