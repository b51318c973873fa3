using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Katas.ExecutorDownloads;

// Known wrong: the completion-order variant is not an iterator: it starts maxConcurrency workers that write each
// finished download into a Channel, and returns channel.Reader.ReadAllAsync(token). The workers have the token it
// was called with, so canceling that one stops them; but a caller that breaks out of its loop, or cancels through
// WithCancellation(token), stops only the reading: the workers go on downloading for nobody.
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

    public IAsyncEnumerable<Download> DownloadAsCompletedAsync(
        IReadOnlyList<Uri> urls, int maxConcurrency, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var finished = Channel.CreateUnbounded<Download>();
        var next = -1;
        var workers = Enumerable.Range(0, Math.Min(maxConcurrency, urls.Count)).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < urls.Count)
            {
                var bytes = await client.GetByteArrayAsync(urls[i], cancellationToken);
                await finished.Writer.WriteAsync(new Download(i, urls[i], bytes), cancellationToken);
            }
        }).ToList();
        _ = Task.WhenAll(workers).ContinueWith(all => finished.Writer.TryComplete(all.Exception?.InnerException), TaskScheduler.Default);
        return finished.Reader.ReadAllAsync(cancellationToken);
    }
}
