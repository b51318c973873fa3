using System.Diagnostics;
using System.Security.Cryptography;
using Katas.ExecutorDownloads;

namespace Katas.Graders.ExecutorDownloads;

/// <summary>
/// One grading run: the test server, the HttpClient the Downloader is given (with a handler that counts the requests
/// sent through it), and the student's Downloader; every call into it is bounded.
/// </summary>
internal sealed class Session : IDisposable
{
    public const string ReadNext =
        "exercises/12-executor-downloads/README.md, and https://learn.microsoft.com/dotnet/api/system.threading.tasks.parallel.foreachasync";

    /// <summary>Longest one call may take; a correct one takes a few server delays.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private readonly CountingHandler _handler = new(new SocketsHttpHandler { UseProxy = false });
    private readonly HttpClient _client;

    /// <param name="gatherInFlight">Hold every request until this many are in flight (see DocumentServer.GatherInFlight).</param>
    public Session(int gatherInFlight = 0)
    {
        Server = new DocumentServer { GatherInFlight = gatherInFlight };
        _client = new HttpClient(_handler);
        Downloader = Bounded.Run(Limit, "creating new Downloader(client)", () => new Downloader(_client));
    }

    public DocumentServer Server { get; }

    public Downloader Downloader { get; }

    /// <summary>Requests sent through the HttpClient the Downloader was given.</summary>
    public int RequestsThroughTheClient => _handler.Requests;

    public static List<Uri> Urls(IEnumerable<ServedDocument> documents) => documents.Select(d => d.Url).ToList();

    /// <summary>Calls DownloadAllAsync and waits for it, with a time limit; returns the results and how long it took.</summary>
    public (IReadOnlyList<byte[]> Results, TimeSpan Took) DownloadAll(IReadOnlyList<Uri> urls, int maxConcurrency)
    {
        var clock = Stopwatch.StartNew();
        var results = Bounded.Run(Limit, $"running DownloadAllAsync on {urls.Count} URLs with maxConcurrency {maxConcurrency}",
            () => Downloader.DownloadAllAsync(urls, maxConcurrency).GetAwaiter().GetResult());
        var took = clock.Elapsed;
        Invariant.Holds(results is not null && results.Count == urls.Count,
            $"DownloadAllAsync was given {urls.Count} URLs and returned {(results is null ? "null" : $"{results.Count} results")}: " +
            $"it must return one byte[] per URL, in the order of the URLs.\nRead next: {ReadNext}");
        return (results!, took);
    }

    /// <summary>Enumerates DownloadAsCompletedAsync to the end, bounding each step; returns what it yielded and when.</summary>
    public List<(Download Item, TimeSpan At, int CompletedOnServer)> DownloadAsCompleted(IReadOnlyList<Uri> urls, int maxConcurrency)
    {
        var clock = Stopwatch.StartNew();
        var yielded = new List<(Download, TimeSpan, int)>();
        var items = Bounded.Run(Limit, "calling DownloadAsCompletedAsync", () => Downloader.DownloadAsCompletedAsync(urls, maxConcurrency));
        var enumerator = Bounded.Run(Limit, "calling GetAsyncEnumerator on what DownloadAsCompletedAsync returned", () => items.GetAsyncEnumerator());
        try
        {
            while (Bounded.Run(Limit, $"waiting for download {yielded.Count + 1} of {urls.Count} from DownloadAsCompletedAsync",
                () => enumerator.MoveNextAsync().AsTask().GetAwaiter().GetResult()))
            {
                var completed = Server.RequestLog.Count(r => r.Outcome == RequestOutcome.Completed);
                yielded.Add((enumerator.Current, clock.Elapsed, completed));
            }
        }
        finally
        {
            Bounded.Run(Limit, "disposing the enumerator of DownloadAsCompletedAsync", () => enumerator.DisposeAsync().AsTask().GetAwaiter().GetResult());
        }

        return yielded;
    }

    /// <summary>Which document <paramref name="content"/> is, by its bytes; -1 if none.</summary>
    public static int WhichDocument(IReadOnlyList<ServedDocument> documents, byte[]? content)
    {
        if (content is null)
        {
            return -1;
        }

        var hash = Convert.ToHexString(SHA256.HashData(content));
        for (var i = 0; i < documents.Count; i++)
        {
            if (documents[i].Sha256 == hash)
            {
                return i;
            }
        }

        return -1;
    }

    public void Dispose()
    {
        // The server first: whatever the student's code left running gets an error at once and stops.
        Server.Dispose();
        _client.Dispose();
    }

    /// <summary>Counts the requests sent through the HttpClient it belongs to.</summary>
    private sealed class CountingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private int _requests;

        public int Requests => Volatile.Read(ref _requests);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            return base.SendAsync(request, cancellationToken);
        }

        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            return base.Send(request, cancellationToken);
        }
    }
}
