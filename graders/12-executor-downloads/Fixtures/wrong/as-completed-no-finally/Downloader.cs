using System.Runtime.CompilerServices;

namespace Katas.ExecutorDownloads;

// Known wrong: the completion-order variant passes the caller's token to every download (so canceling it stops
// them), but has no try/finally of its own: a caller that leaves the loop early (break, or an exception in its loop
// body) leaves the downloads running in the background, with nobody to read them.
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
        var slots = new SemaphoreSlim(maxConcurrency, maxConcurrency);
        var downloads = urls.Select(async (url, i) =>
        {
            await slots.WaitAsync(cancellationToken);
            try
            {
                return new Download(i, url, await client.GetByteArrayAsync(url, cancellationToken));
            }
            finally
            {
                slots.Release();
            }
        }).ToList();

        await foreach (var finished in Task.WhenEach(downloads).WithCancellation(cancellationToken))
        {
            yield return await finished;
        }
    }
}
