using System.Runtime.CompilerServices;

namespace Katas.ExecutorDownloads;

// Known wrong: DownloadAllAsync keeps its SemaphoreSlim in a field, made by the first call ("why make a new one every
// time?"). The first call's maxConcurrency then holds for every later call of the same Downloader: a call with
// maxConcurrency 1 after one with 4 runs 4 at a time, and two calls at once share one limit.
public sealed class Downloader(HttpClient client)
{
    private SemaphoreSlim? _slots;

    public async Task<IReadOnlyList<byte[]>> DownloadAllAsync(IReadOnlyList<Uri> urls, int maxConcurrency, CancellationToken cancellationToken = default)
    {
        _slots ??= new SemaphoreSlim(maxConcurrency, maxConcurrency);
        var downloads = urls.Select(async url =>
        {
            await _slots.WaitAsync(cancellationToken);
            try
            {
                return await client.GetByteArrayAsync(url, cancellationToken);
            }
            finally
            {
                _slots.Release();
            }
        }).ToList();
        return await Task.WhenAll(downloads);
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
