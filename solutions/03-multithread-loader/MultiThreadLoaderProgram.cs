namespace Katas.MultiThreadLoader;

/// <summary>The lesson's loop: one loader per URL, named "Thread 1", "Thread 2", ..., all running at once.</summary>
public static class MultiThreadLoaderProgram
{
    /// <summary>
    /// Downloads every URL into <paramref name="folder"/>, each on its own loader thread, and returns once all of
    /// them have finished. The loaders are returned in the order of <paramref name="urls"/>, to read their Error.
    /// </summary>
    public static IReadOnlyList<MultiThreadLoader> DownloadAll(IReadOnlyList<string> urls, string folder, HttpClient client, TextWriter output)
    {
        var loaders = urls.Select((url, i) => new MultiThreadLoader(url, $"Thread {i + 1}", folder, client, output)).ToList();

        // Start them all first, then wait for them all: a Join right after each Start would wait for that
        // download before starting the next, one after another again.
        foreach (var loader in loaders)
        {
            loader.Start();
        }

        foreach (var loader in loaders)
        {
            loader.Join();
        }

        return loaders;
    }
}
