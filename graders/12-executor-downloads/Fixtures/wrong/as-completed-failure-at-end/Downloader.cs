using System.Runtime.CompilerServices;

namespace Katas.ExecutorDownloads;

// Known wrong: the completion-order variant yields every download that worked as it finishes, and keeps the failures
// for the end ("let the good ones through first"): a 404 is thrown only after every other download has finished. The
// caller who should stop at the first failure waits for all of them (and gets the 404 late).
public sealed class Downloader(HttpClient client)
{
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

    public async IAsyncEnumerable<Download> DownloadAsCompletedAsync(
        IReadOnlyList<Uri> urls, int maxConcurrency, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var slots = new SemaphoreSlim(maxConcurrency, maxConcurrency);
        var downloads = urls.Select((url, i) => DownloadOneAsync(i, url, slots, stop.Token)).ToList();
        try
        {
            await foreach (var finished in Task.WhenEach(downloads).WithCancellation(cancellationToken))
            {
                if (finished.IsCompletedSuccessfully)
                {
                    yield return finished.Result;
                }
            }

            await Task.WhenAll(downloads);
        }
        finally
        {
            await stop.CancelAsync();
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
