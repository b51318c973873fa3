namespace Katas.MultiThreadLoader;

/// <summary>
/// The lesson's MultiThreadLoader: downloads one document on a thread of its own, reading it in 1024-byte
/// chunks into a file named after the last segment of the URL's path, then prints
/// "&lt;name&gt; has finished downloading &lt;url&gt;".
/// </summary>
/// <remarks>
/// In Python it subclasses Thread and overrides run(). C#'s Thread is sealed: a class cannot extend it. So the
/// loader owns a Thread and hands it its own <see cref="Run"/> method; <see cref="Start"/> and <see cref="Join"/>
/// pass on to it. Owning a thread instead of being one also keeps the loader's own API small: callers see
/// Start, Join and the result, not every member of Thread.
/// </remarks>
public sealed class MultiThreadLoader
{
    private const int ChunkSize = 1024;

    private readonly HttpClient _client;
    private readonly TextWriter _output;
    private readonly Thread _thread;

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
        // The lesson's self.name is the thread's name; it shows in a debugger's list of threads.
        _thread = new Thread(Run) { Name = name };
    }

    public string Url { get; }

    public string Name { get; }

    public string Folder { get; }

    /// <summary>
    /// After <see cref="Join"/>: null if the document was downloaded, otherwise why it was not. Read it only after
    /// Join: until then the loader's thread may still be writing it.
    /// </summary>
    public Exception? Error { get; private set; }

    /// <summary>Starts the download on the loader's own thread and returns at once.</summary>
    public void Start() => _thread.Start();

    /// <summary>Waits until the download has finished (or failed).</summary>
    public void Join() => _thread.Join();

    /// <summary>The file name a URL is saved under: the last segment of its path, without the query string.</summary>
    public static string FileNameOf(Uri url)
    {
        var name = Path.GetFileName(Uri.UnescapeDataString(url.AbsolutePath));
        return name.Length > 0 ? name : throw new ArgumentException($"The URL {url} does not end with a file name.", nameof(url));
    }

    // The thread's body. Nothing may escape it: an exception that leaves a thread's method ends the whole process.
    private void Run()
    {
        string? partial = null;
        try
        {
            var url = new Uri(Url, UriKind.Absolute);
            var target = Path.Combine(Folder, FileNameOf(url));

            // urlopen(url): the status line and headers; the body is read below, chunk by chunk.
            using var response = _client.Send(new HttpRequestMessage(HttpMethod.Get, url), HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();

            // Written under a temporary name and renamed only when complete: whoever sees the file sees all of it,
            // and a download that breaks off leaves only the temporary file, which is deleted below.
            partial = target + ".part";
            using (var body = response.Content.ReadAsStream())
            using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                var chunk = new byte[ChunkSize];
                int read;
                while ((read = body.Read(chunk, 0, chunk.Length)) > 0)
                {
                    file.Write(chunk, 0, read);
                }
            }

            File.Move(partial, target, overwrite: true);
            partial = null;
            // After the file is closed and in place: the message promises a complete file.
            _output.WriteLine($"{Name} has finished downloading {Url}");
        }
        catch (Exception e)
        {
            Error = e;
            if (partial is not null)
            {
                DeleteQuietly(partial);
            }

            _output.WriteLine($"{Name} failed to download {Url}: {e.Message}");
        }
    }

    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The folder is gone or the file is in use: nothing more to clean up here.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
