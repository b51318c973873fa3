namespace Katas.PoolMap;

/// <summary>
/// The lesson's <c>Pool(processes=3).map(slow_print, numbers)</c> in C#: calls a function for every item,
/// at most <c>maxConcurrency</c> calls at a time, and returns the results in the order of the items.
/// </summary>
/// <example>
/// <code>
/// var sizes = Pool.Map(urls, url => Download(url).Length, maxConcurrency: 3);
/// // sizes[i] is the size of urls[i], whichever download finished first
/// </code>
/// </example>
public static class Pool
{
    /// <summary>
    /// Returns <c>[function(items[0]), function(items[1]), ...]</c>, computed by at most
    /// <paramref name="maxConcurrency"/> calls at the same time.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxConcurrency"/> is below 1.</exception>
    /// <exception cref="AggregateException">The function threw for some items; it holds their exceptions.</exception>
    public static IReadOnlyList<TOut> Map<TIn, TOut>(IReadOnlyList<TIn> items, Func<TIn, TOut> function, int maxConcurrency)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);

        // One slot per item, made before any worker starts: worker k writes only results[k], so the workers never
        // touch the same slot, need no lock, and the results end up in the order of the items whatever order the
        // calls finish in.
        var results = new TOut[items.Count];

        // The pool's workers come from .NET's thread pool; MaxDegreeOfParallelism is Pool(processes=N): no more
        // than N iterations run at once. Parallel.For returns when every iteration is done, and if any threw, it
        // throws an AggregateException holding what they threw (iterations not started yet are skipped).
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxConcurrency };
        Parallel.For(0, items.Count, options, i => results[i] = function(items[i]));

        return results;
    }
}
