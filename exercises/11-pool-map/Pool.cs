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
/// <remarks>
/// TODO: right now Map calls the function for one item after another, like the lesson's
/// <c>for i in range(5): slow_print(i)</c>: six calls of a second take six seconds. Make it run up to
/// <c>maxConcurrency</c> calls at the same time, keep the results in the order of the items, and let an
/// exception of the function reach the caller. See README.md.
/// </remarks>
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

        // TODO: one call at a time, whatever maxConcurrency says.
        var results = new List<TOut>();
        foreach (var item in items)
        {
            results.Add(function(item));
        }

        return results;
    }
}
