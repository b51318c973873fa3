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
        var loaders = new List<MultiThreadLoader>();
        for (var i = 0; i < urls.Count; i++)
        {
            var loader = new MultiThreadLoader(urls[i], $"Thread {i + 1}", folder, client, output);
            loader.Start();
            loaders.Add(loader);
        }

        // TODO: return only when every loader has finished.
        return loaders;
    }
}
