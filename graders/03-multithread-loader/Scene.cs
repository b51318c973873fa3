using System.Diagnostics;
using System.Security.Cryptography;
using Katas.MultiThreadLoader;
using Loader = Katas.MultiThreadLoader.MultiThreadLoader;

namespace Katas.Graders.MultiThreadLoader;

/// <summary>
/// One grading run: the test server with its documents, an empty folder to download into, the HttpClient the
/// loaders are given, and the writer they report to, which looks at each file the moment its loader says it is done.
/// </summary>
internal sealed class Scene : IDisposable
{
    public const string ReadNext =
        "exercises/03-multithread-loader/README.md, and https://learn.microsoft.com/dotnet/standard/threading/using-threads-and-threading";

    /// <summary>
    /// Longest a driver run may take; a correct one takes about one server delay, one after another about 20 s. Through
    /// TimeLimits: once a call has hung (a read loop that never ends), later calls get 10 s, so the checks after it still
    /// report in time (measured: that loop with 60 s for each of 6 checks ran into the kata's 5-minute limit, 301 s, and
    /// the student saw no message at all).
    /// </summary>
    public static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(60);

    private readonly HttpClient _client;

    /// <param name="gatherInFlight">Hold every request until this many are in flight (see DocumentServer.GatherInFlight).</param>
    public Scene(int gatherInFlight = 0)
    {
        Senders = new SenderWitness(new SocketsHttpHandler { UseProxy = false });
        _client = new HttpClient(Senders);
        Server = new DocumentServer { GatherInFlight = gatherInFlight };
        Folder = Directory.CreateTempSubdirectory("katas-03-").FullName;
        Output = new AnnouncementWriter(Folder);
    }

    public DocumentServer Server { get; }

    /// <summary>Which thread sent each request through the HttpClient the loaders are given.</summary>
    public SenderWitness Senders { get; }

    /// <summary>The managed id of the thread that called DownloadAll in the last <see cref="RunDriver"/>.</summary>
    public int DriverThreadId { get; private set; }

    /// <summary>When the last <see cref="RunDriver"/> returned, on the server's clock.</summary>
    public TimeSpan DriverReturnedAt { get; private set; }

    public string Folder { get; }

    public AnnouncementWriter Output { get; }

    /// <summary>The documents the loaders are asked for, in the order of their URLs.</summary>
    public List<(string Url, ServedDocument? Document)> Asked { get; } = [];

    public string Ask(ServedDocument document, string? url = null)
    {
        url ??= document.Url.ToString();
        Asked.Add((url, document));
        Output.Expect(url, document);
        return url;
    }

    /// <summary>A URL that is not a URL (a missing colon): no request can be made for it.</summary>
    public string AskInvalid()
    {
        var url = $"http//127.0.0.1:{Server.BaseAddress.Port}/docs/invalid.bin";
        Asked.Add((url, null));
        return url;
    }

    public IReadOnlyList<string> Urls => Asked.Select(a => a.Url).ToList();

    public Loader NewLoader(string url, string name) =>
        TimeLimits.Run(RunLimit, $"creating new MultiThreadLoader(\"{url}\", \"{name}\", folder, client, output)",
            () => new Loader(url, name, Folder, _client, Output));

    /// <summary>Runs the student's driver on every asked URL, with a time limit; returns its loaders and how long it took.</summary>
    public (IReadOnlyList<Loader> Loaders, TimeSpan Took) RunDriver()
    {
        var clock = Stopwatch.StartNew();
        IReadOnlyList<Loader>? loaders = null;
        try
        {
            loaders = TimeLimits.Run(RunLimit, $"running MultiThreadLoaderProgram.DownloadAll on {Asked.Count} URLs", () =>
            {
                DriverThreadId = Environment.CurrentManagedThreadId;
                return MultiThreadLoaderProgram.DownloadAll(Urls, Folder, _client, Output);
            });
        }
        catch (Exception e) when (e is not GradingTimeoutException)
        {
            Assert.Fail(
                $"MultiThreadLoaderProgram.DownloadAll threw {e.GetType().Name}: {e.Message}\n" +
                "A download that fails must not stop the others, nor the driver: each loader catches what goes wrong on its " +
                "own thread, keeps it in Error and reports it. (If this came from Start(), Start runs the download on the " +
                $"calling thread: it must start the loader's thread and return.)\nWhere it was thrown:\n{e.StackTrace}\nRead next: {ReadNext}");
        }

        var took = clock.Elapsed;
        DriverReturnedAt = Server.Now;
        var stillSending = Server.InFlight;
        var requestedBeforeReturn = Server.Requests;
        // A correct driver may return a moment before the server has noticed that its last bytes went out, so the
        // files decide: the server only says why they are missing.
        var notYet = Asked.Where(a => a.Document is { Fault: DocumentFault.None })
            .Select(a => Problem(Folder, a.Document!)).Where(problem => problem is not null).ToList();
        // On a loaded machine loaders that were started but not joined may not even have sent their requests when
        // DownloadAll returns (CI saw InFlight 0 and no files): requests that arrive after it returned show the same bug.
        var askedLater = notYet.Count > 0 && stillSending == 0 &&
            Server.WaitUntil(server => server.Requests > requestedBeforeReturn || server.InFlight > 0, TimeSpan.FromSeconds(3));
        if (notYet.Count > 0 && (stillSending > 0 || askedLater))
        {
            var when = stillSending > 0
                ? $"while the server was still sending {stillSending} of the {Asked.Count} documents"
                : $"when the server had been asked for {requestedBeforeReturn} of the {Asked.Count} documents (the others were asked for after it returned)";
            Assert.Fail(
                $"DownloadAll returned after {took.TotalMilliseconds:N0} ms, before its loaders had finished: {when}, and " +
                $"{notYet.Count} files were not complete yet ({notYet[0]}, ...). DownloadAll must wait " +
                "for every loader (Join each one) before it returns: whoever calls it expects the files to be there.\n" +
                $"Read next: {ReadNext}");
        }

        Invariant.Holds(loaders is not null && loaders.Count == Asked.Count,
            $"MultiThreadLoaderProgram.DownloadAll was given {Asked.Count} URLs and returned {(loaders is null ? "null" : $"{loaders.Count} loaders")}: " +
            $"it must create one MultiThreadLoader per URL, in the order of the URLs, and return them.\nRead next: {ReadNext}");
        return (loaders!, took);
    }

    /// <summary>The files in the folder now, by name, with their length (-1: still open for writing, could not be read).</summary>
    public Dictionary<string, long> Files() => Directory.GetFiles(Folder)
        .ToDictionary(path => Path.GetFileName(path), LengthOf, StringComparer.Ordinal);

    private static long LengthOf(string path)
    {
        try
        {
            return ReadShared(path).Length;
        }
        catch (IOException)
        {
            return -1;
        }
    }

    /// <summary>What is wrong with the file of <paramref name="document"/> now, or null if it is complete and exact.</summary>
    public static string? Problem(string folder, ServedDocument document) => ProblemAt(Path.Combine(folder, document.FileName), document);

    public static string? ProblemAt(string path, ServedDocument document)
    {
        if (!File.Exists(path))
        {
            return $"there was no file {document.FileName}";
        }

        byte[] bytes;
        try
        {
            bytes = ReadShared(path);
        }
        catch (IOException)
        {
            return $"{document.FileName} was still open for writing (your code had not closed it yet)";
        }

        if (bytes.Length != document.Content.Length)
        {
            return $"{document.FileName} had {bytes.Length:N0} of its {document.Content.Length:N0} bytes";
        }

        return SHA256.HashData(bytes).AsSpan().SequenceEqual(SHA256.HashData(document.Content))
            ? null
            : $"{document.FileName} had the right length ({bytes.Length:N0} bytes) but different bytes (SHA-256 " +
              $"{Convert.ToHexString(SHA256.HashData(bytes))[..12]}..., the server sent {document.Sha256[..12]}...)";
    }

    private static byte[] ReadShared(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        file.CopyTo(copy);
        return copy.ToArray();
    }

    public void Dispose()
    {
        // The server first: a loader still running (a driver that did not join) gets an error at once and stops.
        Server.Dispose();
        _client.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A loader that was never joined may still be writing here; the temp folder is cleaned by the OS.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
