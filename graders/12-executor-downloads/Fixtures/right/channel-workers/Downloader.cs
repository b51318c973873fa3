using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Katas.ExecutorDownloads;

// Known right: the executor as maxConcurrency workers that read the next index from a Channel as soon as they are
// free (ConfigureAwait(false) throughout). DownloadAllAsync puts each download's bytes at its index; the
// completion-order variant's workers write each finished Download into a second Channel, which the iterator reads,
// and its finally cancels the workers (a linked token) and waits for them. Hard for the grader: no semaphore, no
// ForEachAsync, no Task per URL; the first failure completes the channel with the exception.
public sealed class Downloader(HttpClient client)
{
    public async Task<IReadOnlyList<byte[]>> DownloadAllAsync(IReadOnlyList<Uri> urls, int maxConcurrency, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(urls);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);

        var results = new byte[urls.Count][];
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var indices = Indices(urls.Count);
        var workers = Enumerable.Range(0, Math.Min(maxConcurrency, urls.Count)).Select(async _ =>
        {
            try
            {
                await foreach (var i in indices.ReadAllAsync(stop.Token).ConfigureAwait(false))
                {
                    results[i] = await client.GetByteArrayAsync(urls[i], stop.Token).ConfigureAwait(false);
                }
            }
            catch
            {
                await stop.CancelAsync().ConfigureAwait(false);
                throw;
            }
        }).ToList();

        try
        {
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // A worker failed and canceled the others: throw its failure, not their cancellation.
            throw workers.Select(w => w.Exception?.InnerException).First(e => e is not null and not OperationCanceledException)!;
        }

        return results;
    }

    public async IAsyncEnumerable<Download> DownloadAsCompletedAsync(
        IReadOnlyList<Uri> urls, int maxConcurrency, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(urls);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var indices = Indices(urls.Count);
        var finished = Channel.CreateUnbounded<Download>();
        var workers = Enumerable.Range(0, Math.Min(maxConcurrency, urls.Count)).Select(async _ =>
        {
            try
            {
                await foreach (var i in indices.ReadAllAsync(stop.Token).ConfigureAwait(false))
                {
                    var bytes = await client.GetByteArrayAsync(urls[i], stop.Token).ConfigureAwait(false);
                    finished.Writer.TryWrite(new Download(i, urls[i], bytes));
                }
            }
            catch (Exception e)
            {
                finished.Writer.TryComplete(e);
            }
        }).ToList();
        _ = Task.WhenAll(workers).ContinueWith(_ => finished.Writer.TryComplete(), TaskScheduler.Default);

        try
        {
            await foreach (var download in finished.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return download;
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
    }

    private static ChannelReader<int> Indices(int count)
    {
        var channel = Channel.CreateUnbounded<int>();
        for (var i = 0; i < count; i++)
        {
            channel.Writer.TryWrite(i);
        }

        channel.Writer.Complete();
        return channel.Reader;
    }
}
