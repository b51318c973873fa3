using System.Runtime.CompilerServices;

namespace Katas.ExecutorDownloads;

/// <summary>
/// The lesson's <c>ThreadPoolExecutor(max_workers=9).map(run, urls)</c> and <c>as_completed</c> for downloads:
/// many URLs, at most <c>maxConcurrency</c> of them at a time, all through one shared <see cref="HttpClient"/>.
/// </summary>
/// <param name="client">The one HttpClient every download goes through: it keeps its connections open and reuses them.</param>
public sealed class Downloader(HttpClient client)
{
    /// <summary>
    /// Downloads every URL, at most <paramref name="maxConcurrency"/> at a time, and returns their bytes in the
    /// order of <paramref name="urls"/> (executor.map). The first failure is thrown; canceling
    /// <paramref name="cancellationToken"/> stops every download and throws OperationCanceledException.
    /// </summary>
    public async Task<IReadOnlyList<byte[]>> DownloadAllAsync(IReadOnlyList<Uri> urls, int maxConcurrency, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(urls);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);

        // One slot per URL, filled by index: whichever download finishes first, its bytes land in its own place.
        var results = new byte[urls.Count][];
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxConcurrency, CancellationToken = cancellationToken };
        // max_workers = MaxDegreeOfParallelism: at most that many bodies run at once. On the first exception
        // ForEachAsync starts no more, cancels the token it gives the bodies, waits for them and throws.
        await Parallel.ForEachAsync(Enumerable.Range(0, urls.Count), options, async (i, token) =>
            results[i] = await client.GetByteArrayAsync(urls[i], token));
        return results;
    }

    /// <summary>
    /// Downloads every URL, at most <paramref name="maxConcurrency"/> at a time, and yields each one as soon as it
    /// has finished (as_completed). A failure is thrown when it happens; canceling, or leaving the loop early, stops
    /// the downloads still running.
    /// </summary>
    public async IAsyncEnumerable<Download> DownloadAsCompletedAsync(
        IReadOnlyList<Uri> urls, int maxConcurrency, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(urls);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var slots = new SemaphoreSlim(maxConcurrency, maxConcurrency);
        var downloads = urls.Select((url, i) => DownloadOneAsync(i, url, slots, stop.Token)).ToList();
        try
        {
            // Task.WhenEach (.NET 9) hands out the tasks in the order they finish.
            await foreach (var finished in Task.WhenEach(downloads).WithCancellation(cancellationToken))
            {
                yield return await finished;
            }
        }
        finally
        {
            // Reached after the last one, on an exception, on cancellation, and when the caller leaves the loop early:
            // whatever is still running is canceled, and awaited, so that no request outlives the enumeration.
            await stop.CancelAsync();
            // (Task): SuppressThrowing waits without rethrowing, and is only allowed on a Task without a result.
            await ((Task)Task.WhenAll(downloads)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task<Download> DownloadOneAsync(int index, Uri url, SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        await slots.WaitAsync(cancellationToken);
        try
        {
            return new Download(index, url, await client.GetByteArrayAsync(url, cancellationToken));
        }
        finally
        {
            slots.Release();
        }
    }
}
