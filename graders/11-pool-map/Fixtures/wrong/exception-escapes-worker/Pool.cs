namespace Katas.PoolMap;

// Known wrong: hand-made workers with no try/catch. When the function throws, the exception leaves the worker
// thread with nobody to catch it: in a real program that ends the whole process, and Map's caller never hears
// of it. (Graded under Coyote, which catches it and reports it instead of letting the test host crash.)
public static class Pool
{
    public static IReadOnlyList<TOut> Map<TIn, TOut>(IReadOnlyList<TIn> items, Func<TIn, TOut> function, int maxConcurrency)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);

        var results = new TOut[items.Count];
        var next = -1;
        var workers = new List<Thread>();
        for (var w = 0; w < Math.Min(maxConcurrency, items.Count); w++)
        {
            workers.Add(new Thread(() =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < items.Count)
                {
                    results[i] = function(items[i]);
                }
            }));
        }

        workers.ForEach(worker => worker.Start());
        workers.ForEach(worker => worker.Join());
        return results;
    }
}
