using System.Runtime.CompilerServices;

namespace Katas.ExecutorDownloads;

// Known wrong: DownloadAllAsync downloads in batches of maxConcurrency (Chunk + Task.WhenAll per batch): never
// more than the limit, results in order, and as fast as a pool while every download takes as long as the others.
// But the next batch waits for the slowest download of this one: one slow URL idles every other slot. An executor
// hands the next URL to whichever worker is free.
public sealed class Downloader(HttpClient client)
{
    public async Task<IReadOnlyList<byte[]>> DownloadAllAsync(IReadOnlyList<Uri> urls, int maxConcurrency, CancellationToken cancellationToken = default)
    {
        var results = new List<byte[]>();
        foreach (var batch in urls.Chunk(maxConcurrency))
        {
            results.AddRange(await Task.WhenAll(batch.Select(url => client.GetByteArrayAsync(url, cancellationToken))));
        }

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
                yield return await finished;
            }
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
