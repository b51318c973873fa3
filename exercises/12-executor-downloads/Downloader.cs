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
        // TODO: this downloads one URL after another. Run up to maxConcurrency downloads at a time (README.md).
        var results = new List<byte[]>();
        foreach (var url in urls)
        {
            results.Add(await client.GetByteArrayAsync(url, cancellationToken));
        }

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
        // TODO: this yields the downloads in the order of the list, one after another. Run up to maxConcurrency at a
        // time and yield each one as soon as it has finished (README.md).
        for (var i = 0; i < urls.Count; i++)
        {
            yield return new Download(i, urls[i], await client.GetByteArrayAsync(urls[i], cancellationToken));
        }
    }
}
