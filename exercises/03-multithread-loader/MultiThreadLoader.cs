namespace Katas.MultiThreadLoader;

/// <summary>
/// The lesson's MultiThreadLoader: downloads one document on a thread of its own, reading it in 1024-byte
/// chunks into a file named after the last segment of the URL's path, then prints
/// "&lt;name&gt; has finished downloading &lt;url&gt;".
/// </summary>
/// <remarks>
/// In Python it subclasses Thread. C#'s Thread is sealed, so this class owns a Thread instead (see README.md).
/// TODO: right now the download runs on the caller's thread, in one piece, and any error escapes. Give the loader
/// its own thread, read the body in 1024-byte chunks, and handle errors as README.md says.
/// </remarks>
public sealed class MultiThreadLoader
{
    private readonly HttpClient _client;
    private readonly TextWriter _output;

    /// <param name="url">The document to download.</param>
    /// <param name="name">The loader's name for its message ("Thread 1").</param>
    /// <param name="folder">Where the file goes.</param>
    /// <param name="client">The HttpClient to download with (shared by all loaders).</param>
    /// <param name="output">Where the loader reports.</param>
    public MultiThreadLoader(string url, string name, string folder, HttpClient client, TextWriter output)
    {
        Url = url;
        Name = name;
        Folder = folder;
        _client = client;
        _output = output;
    }

    public string Url { get; }

    public string Name { get; }

    public string Folder { get; }

    /// <summary>After <see cref="Join"/>: null if the document was downloaded, otherwise why it was not.</summary>
    public Exception? Error { get; private set; }

    /// <summary>Starts the download on the loader's own thread and returns at once.</summary>
    public void Start()
    {
        // TODO: create a Thread that runs Run(), and start it. Right now the download runs here, on the caller's thread.
        Run();
    }

    /// <summary>Waits until the download has finished (or failed).</summary>
    public void Join()
    {
        // TODO: wait for the loader's thread.
    }

    private void Run()
    {
        // TODO: the lesson's run() without its chunks and without any care for errors.
        var target = Path.Combine(Folder, Path.GetFileName(Url));
        var bytes = _client.GetByteArrayAsync(Url).GetAwaiter().GetResult();
        File.WriteAllBytes(target, bytes);
        _output.WriteLine($"{Name} has finished downloading {Url}");
    }
}
