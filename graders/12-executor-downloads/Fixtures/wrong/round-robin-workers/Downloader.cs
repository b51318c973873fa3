using System.Runtime.CompilerServices;

namespace Katas.ExecutorDownloads;

// Known wrong: DownloadAllAsync deals the URLs out to maxConcurrency workers up front, like cards (worker w gets
// URLs w, w + n, w + 2n, ...), and each worker downloads its own share one after another. Never more than the
// limit, results in order; but a worker whose URL is slow holds up the rest of its share while the other workers,
// done with theirs, sit idle. The lesson's executor "hands each a URL as soon as it is free".
public sealed class Downloader(HttpClient client)
{
    public async Task<IReadOnlyList<byte[]>> DownloadAllAsync(IReadOnlyList<Uri> urls, int maxConcurrency, CancellationToken cancellationToken = default)
    {
        var results = new byte[urls.Count][];
        var workers = Math.Min(maxConcurrency, urls.Count);
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async w =>
        {
            for (var i = w; i < urls.Count; i += workers)
            {
                results[i] = await client.GetByteArrayAsync(urls[i], cancellationToken);
            }
        }));
        return results;
    }

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
