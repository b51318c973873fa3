using System.Runtime.CompilerServices;

namespace Katas.ExecutorDownloads;

// Known wrong: the completion-order variant works in batches of maxConcurrency: the downloads of one batch are
// yielded as they finish (Task.WhenEach), and the next batch starts when the whole batch is done. With one slow URL
// in a batch, the other slots idle, and downloads that could have come long ago wait behind it.
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
        foreach (var batch in Enumerable.Range(0, urls.Count).Chunk(maxConcurrency))
        {
            var downloads = batch.Select(async i => new Download(i, urls[i], await client.GetByteArrayAsync(urls[i], cancellationToken))).ToList();
            await foreach (var finished in Task.WhenEach(downloads).WithCancellation(cancellationToken))
            {
                yield return await finished;
            }
        }
    }
}
