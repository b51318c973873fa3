using System.Threading.Channels;

namespace Katas.PoolMap;

// Known right: the indices go into a Channel, and maxConcurrency async workers read it with await foreach
// (ConfigureAwait(false)): each worker takes the next index as soon as it is free, and writes the result into that
// index's slot. A worker that catches nothing lets its task fail; Task.WhenAll(...).GetAwaiter().GetResult() throws
// the first failure itself (Python's way), after every worker has ended. Hard for the grader: Coyote cannot follow
// an await foreach over .ConfigureAwait(false) (the Channel itself it sees through the twin), so every check runs on
// real threads, and the workers continue after a failure.
public static class Pool
{
    public static IReadOnlyList<TOut> Map<TIn, TOut>(IReadOnlyList<TIn> items, Func<TIn, TOut> function, int maxConcurrency)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);

        var results = new TOut[items.Count];
        var indices = Channel.CreateUnbounded<int>();
        for (var i = 0; i < items.Count; i++)
        {
            indices.Writer.TryWrite(i);
        }

        indices.Writer.Complete();
        var workers = Enumerable.Range(0, Math.Min(maxConcurrency, items.Count)).Select(_ => Task.Run(async () =>
        {
            await foreach (var i in indices.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                results[i] = function(items[i]);
            }
        })).ToArray();

        Task.WhenAll(workers).GetAwaiter().GetResult();
        return results;
    }
}
