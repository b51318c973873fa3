using System.Security.Cryptography;
using Katas.ExecutorDownloads;

namespace Katas.Graders.ExecutorDownloads;

/// <summary>
/// One grading run: the test server, the HttpClient the Downloader is given (its handler is the grader's
/// <see cref="RequestGate"/>, which counts and holds the requests sent through it), and the student's Downloader; every
/// call into it is bounded.
/// </summary>
internal sealed class Session : IDisposable
{
    public const string ReadNext =
        "exercises/12-executor-downloads/README.md, and https://learn.microsoft.com/dotnet/api/system.threading.tasks.parallel.foreachasync";

    /// <summary>Longest one call may take; a correct one takes a few server delays.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private readonly HttpClient _client;

    public Session()
    {
        Server = new DocumentServer();
        Gate = new RequestGate(new SocketsHttpHandler { UseProxy = false });
        _client = new HttpClient(Gate);
        Downloader = Bounded.Run(Limit, "creating new Downloader(client)", () => new Downloader(_client));
    }

    public DocumentServer Server { get; }

    public Downloader Downloader { get; }

    /// <summary>The handler of the HttpClient the Downloader was given: it counts and holds the requests sent through it.</summary>
    public RequestGate Gate { get; }

    /// <summary>Requests sent through the HttpClient the Downloader was given.</summary>
    public int RequestsThroughTheClient => Gate.Requests;

    /// <summary>
    /// Said after a message when requests reached the server without going through the grader's client: the grader could
    /// neither hold nor count those, which may be why the check saw what it saw.
    /// </summary>
    public string AroundTheClientNote
    {
        get
        {
            var around = Server.Requests - Gate.Forwarded;
            return around <= 0
                ? ""
                : $"\nNote: {around} requests reached the server without going through the HttpClient the Downloader was given " +
                  "(new Downloader(client)), so the grader could neither hold nor count them. Download with that client: see " +
                  "One_HttpClient_serves_every_request.";
        }
    }

    /// <summary>Calls DownloadAllAsync and returns its task at once (bounded: the call itself must return promptly).</summary>
    public Task<IReadOnlyList<byte[]>> StartDownloadAll(IReadOnlyList<Uri> urls, int maxConcurrency, CancellationToken token = default) =>
        Bounded.Run(Limit, $"calling DownloadAllAsync on {urls.Count} URLs with maxConcurrency {maxConcurrency}",
            () => Downloader.DownloadAllAsync(urls, maxConcurrency, token));

    /// <summary>Starts enumerating DownloadAsCompletedAsync in the background, the way `await foreach` does.</summary>
    public Consumer StartAsCompleted(IReadOnlyList<Uri> urls, int maxConcurrency, int? breakAfter = null,
        CancellationToken token = default, CancellationToken withCancellation = default)
    {
        var items = Bounded.Run(Limit, "calling DownloadAsCompletedAsync",
            () => Downloader.DownloadAsCompletedAsync(urls, maxConcurrency, token));
        return new Consumer(items, breakAfter, withCancellation);
    }

    /// <summary>Waits for a call's task with a time limit; false if it had not ended by then.</summary>
    public static bool Ended(Task task, TimeSpan limit) => ((IAsyncResult)task).AsyncWaitHandle.WaitOne(limit);

    /// <summary>What a task that ended threw, unwrapped (null if it returned, or has not ended).</summary>
    public static Exception? Outcome(Task task) => task.Status switch
    {
        TaskStatus.Canceled => new TaskCanceledException(task),
        TaskStatus.Faulted => Unwrapped(task.Exception!),
        _ => null,
    };

    /// <summary>An AggregateException of one exception is that exception (however deep), as `await` would show it.</summary>
    public static Exception Unwrapped(Exception e) =>
        e is AggregateException { InnerExceptions.Count: 1 } one ? Unwrapped(one.InnerExceptions[0]) : e;

    public static List<Uri> Urls(IEnumerable<ServedDocument> documents) => documents.Select(d => d.Url).ToList();

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
        // The server first: whatever the student's code left running gets an error at once and stops; then the client,
        // which lets go of (and cancels) whatever the gate still holds.
        Server.Dispose();
        _client.Dispose();
    }
}

/// <summary>
/// Enumerates DownloadAsCompletedAsync on a thread of its own, as a caller's `await foreach` would (and, with a
/// breakAfter, leaves the loop after that many downloads, as `break` does: DisposeAsync). The test's thread watches what
/// it got, and when, through <see cref="WaitUntil"/>.
/// </summary>
internal sealed class Consumer
{
    private readonly object _gate = new();
    private readonly List<Download> _yielded = [];
    private Exception? _thrown;
    private bool _ended;
    private bool _disposed;
    private bool _returnedNormally;

    public Consumer(IAsyncEnumerable<Download> items, int? breakAfter, CancellationToken withCancellation)
    {
        Task = Task.Run(async () =>
        {
            IAsyncEnumerator<Download>? enumerator = null;
            try
            {
                enumerator = items.GetAsyncEnumerator(withCancellation);
                while (breakAfter is null || Yielded.Count < breakAfter)
                {
                    if (!await enumerator.MoveNextAsync())
                    {
                        Change(() => _returnedNormally = true);
                        break;
                    }

                    var current = enumerator.Current;
                    Change(() => _yielded.Add(current));
                }
            }
            catch (Exception e)
            {
                Change(() => _thrown = Session.Unwrapped(e));
            }
            finally
            {
                Change(() => _ended = true);
                if (enumerator is not null)
                {
                    try
                    {
                        await enumerator.DisposeAsync();
                    }
                    catch (Exception e)
                    {
                        Change(() => _thrown ??= e);
                    }
                }

                Change(() => _disposed = true);
            }
        });
    }

    /// <summary>The enumeration, ended when the loop has ended and the enumerator has been disposed.</summary>
    public Task Task { get; }

    /// <summary>What was yielded so far, in order.</summary>
    public IReadOnlyList<Download> Yielded => Locked(() => _yielded.ToList());

    /// <summary>What MoveNextAsync (or DisposeAsync) threw, if anything.</summary>
    public Exception? Thrown => Locked(() => _thrown);

    /// <summary>The loop ended: MoveNextAsync returned false or threw, or the consumer left it (breakAfter).</summary>
    public bool LoopEnded => Locked(() => _ended);

    /// <summary>The enumeration ended with MoveNextAsync returning false (every download yielded, no exception).</summary>
    public bool ReturnedNormally => Locked(() => _returnedNormally);

    /// <summary>DisposeAsync returned (or threw).</summary>
    public bool Disposed => Locked(() => _disposed);

    /// <summary>Waits until <paramref name="condition"/> holds; false if it did not within <paramref name="limit"/>.</summary>
    public bool WaitUntil(Func<Consumer, bool> condition, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        lock (_gate)
        {
            while (!condition(this))
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    return false;
                }

                Monitor.Wait(_gate, left);
            }

            return true;
        }
    }

    private void Change(Action change)
    {
        lock (_gate)
        {
            change();
            Monitor.PulseAll(_gate);
        }
    }

    private T Locked<T>(Func<T> read)
    {
        lock (_gate)
        {
            return read();
        }
    }
}
