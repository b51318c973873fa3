using System.Diagnostics;
using Katas.ExecutorDownloads;

namespace Katas.Graders.ExecutorDownloads;

/// <summary>
/// Real downloads from a real HTTP server on this machine (Katas.Grading's DocumentServer). The server is the
/// witness: it counts the requests in flight at once, the TCP connections they came on, and sees a canceled
/// request go away.
/// </summary>
public sealed class ExecutorDownloadsGrader
{
    private const string ReadNext = Session.ReadNext;

    /// <summary>How long canceled downloads may take to stop: a correct one stops within milliseconds.</summary>
    private static readonly TimeSpan s_stopLimit = TimeSpan.FromSeconds(3);

    [OneTimeSetUp]
    public void WarmUp()
    {
        // The first request of a process compiles HttpClient's code; do it before anything is timed.
        using var server = new DocumentServer();
        var document = server.Add("warm-up.bin", 1000, seed: 1);
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        client.GetByteArrayAsync(document.Url).Wait(TimeSpan.FromSeconds(20));
    }

    [Test]
    public void Results_come_back_in_the_order_of_the_urls()
    {
        using var session = new Session();
        // The first URL is the slowest: the downloads finish in the reverse order of the list.
        var documents = Enumerable.Range(0, 6)
            .Select(i => session.Server.Add($"docs/page-{i + 1}.bin", 20_001 + 7_919 * i, (ulong)(100 + i), TimeSpan.FromMilliseconds(150 * (6 - i))))
            .ToList();

        var (results, _) = session.DownloadAll(Session.Urls(documents), maxConcurrency: 6);

        for (var i = 0; i < documents.Count; i++)
        {
            var which = Session.WhichDocument(documents, results[i]);
            Invariant.Holds(which == i,
                $"results[{i}] must hold the bytes of URL {i + 1} ({documents[i].Url}), " +
                (which >= 0
                    ? $"but it holds those of URL {which + 1} ({documents[which].Url}). The downloads finished in the reverse " +
                      "order of the list (the server held the first URL longest): results are in the order the downloads " +
                      "finished, not in the order of the URLs. Like executor.map, DownloadAllAsync returns results in input " +
                      "order: put each download's bytes at its URL's index (results[i] = ...), or await the tasks in list order."
                    : $"but it holds {(results[i] is null ? "null" : $"{results[i].Length:N0} bytes that the server never sent")}.") +
                $"\nRead next: {ReadNext}");
        }
    }

    [Test]
    public void Never_more_than_maxConcurrency_downloads_at_once()
    {
        using var session = new Session();
        var documents = session.Server.AddDocuments(9, TimeSpan.FromMilliseconds(300), seed: 2);

        session.DownloadAll(Session.Urls(documents), maxConcurrency: 3);

        var most = session.Server.MaxInFlight;
        Invariant.Holds(most <= 3,
            $"DownloadAllAsync(9 URLs, maxConcurrency: 3) had {most} requests in flight at once on the server; the limit is 3. " +
            "maxConcurrency is the lesson's max_workers: however many URLs there are, no more than that many downloads may " +
            "run at the same time (a site that blocks clients with too many open requests, a connection pool of that size). " +
            "Starting a task per URL and awaiting them all (Task.WhenAll) runs them all at once: bound them with " +
            $"Parallel.ForEachAsync's MaxDegreeOfParallelism, or a SemaphoreSlim(maxConcurrency).\nRead next: {ReadNext}");
    }

    [Test]
    public void Downloads_run_maxConcurrency_at_a_time()
    {
        using var session = new Session();
        var delay = TimeSpan.FromMilliseconds(400);
        var documents = session.Server.AddDocuments(12, delay, seed: 3);

        var (_, took) = session.DownloadAll(Session.Urls(documents), maxConcurrency: 4);

        var oneAfterAnother = delay * documents.Count;
        var ideal = delay * (documents.Count / 4);
        var ratio = oneAfterAnother / took;
        var most = session.Server.MaxInFlight;
        TestContext.Out.WriteLine(
            $"12 downloads held {delay.TotalMilliseconds:N0} ms each by the server, maxConcurrency 4: one after another at least " +
            $"{oneAfterAnother.TotalMilliseconds:N0} ms, 4 at a time about {ideal.TotalMilliseconds:N0} ms; DownloadAllAsync took " +
            $"{took.TotalMilliseconds:N0} ms ({ratio:0.0}x faster than one after another); most in flight at once: {most}.");

        Invariant.Holds(most >= 4,
            $"DownloadAllAsync(12 URLs, maxConcurrency: 4) never had 4 downloads in flight at once: at most {most}. " +
            (most <= 1
                ? "It downloads one URL after another: an `await` inside the loop waits for each download before the next " +
                  "one starts. Start up to maxConcurrency downloads, then await them."
                : $"It uses only {most} of the 4 allowed.") +
            $" It took {took.TotalMilliseconds:N0} ms; 4 at a time take about {ideal.TotalMilliseconds:N0} ms.\nRead next: {ReadNext}");
        // 4 at a time is 4x faster than one after another; a busy 2-core machine loses a good part of it (2.6x seen
        // under a load average of 50). 1.5x still leaves far behind anything that, with 4 requests open at some moment,
        // mostly makes the downloads wait for each other (a lock around the whole download: 1x).
        Invariant.Holds(ratio >= 1.5,
            $"DownloadAllAsync took {took.TotalMilliseconds:N0} ms for 12 downloads the server holds {delay.TotalMilliseconds:N0} ms " +
            $"each, 4 at a time: only {ratio:0.0}x faster than one after another ({oneAfterAnother.TotalMilliseconds:N0} ms); 4 at a " +
            $"time take about {ideal.TotalMilliseconds:N0} ms. Something makes the downloads wait for each other.\nRead next: {ReadNext}");
    }

    [Test]
    public void One_HttpClient_serves_every_request()
    {
        using var session = new Session();
        var documents = session.Server.AddDocuments(12, TimeSpan.FromMilliseconds(100), seed: 4);

        session.DownloadAll(Session.Urls(documents), maxConcurrency: 3);

        var connections = session.Server.Connections;
        var requests = session.Server.Requests;
        var most = Math.Max(1, session.Server.MaxInFlight);
        Invariant.Holds(connections <= most,
            $"{requests} requests came over {connections} TCP connections, though never more than {most} were in flight at once. " +
            "One HttpClient keeps its connections open and reuses them: 3 at a time need 3 connections, whatever the number " +
            "of URLs. A new HttpClient per request opens (and leaves behind) a connection per request: under load that runs " +
            "out of sockets. Use the HttpClient the Downloader was given, for every request.\nRead next: " +
            "https://learn.microsoft.com/dotnet/fundamentals/networking/http/httpclient-guidelines");
        Invariant.Holds(session.RequestsThroughTheClient == documents.Count,
            $"Only {session.RequestsThroughTheClient} of the {requests} requests went through the HttpClient the Downloader was " +
            "given (new Downloader(client)). Whoever creates the Downloader decides how it connects (its handler, time-outs, " +
            $"headers): download with that client, not one of your own.\nRead next: {ReadNext}");
    }

    [Test]
    public void The_completion_order_variant_yields_each_download_as_it_finishes()
    {
        // All 5 are held until every one is in flight, so that each delay counts from the same moment: on a loaded
        // machine requests arrive hundreds of ms apart, which would otherwise reorder delays this close.
        using var session = new Session(gatherInFlight: 5);
        int[] delays = [1200, 300, 900, 600, 1500];
        var documents = delays
            .Select((ms, i) => session.Server.Add($"docs/item-{i + 1}.bin", 30_001 + 9_973 * i, (ulong)(200 + i), TimeSpan.FromMilliseconds(ms)))
            .ToList();
        var expected = Enumerable.Range(0, delays.Length).OrderBy(i => delays[i]).ToList();

        var yielded = session.DownloadAsCompleted(Session.Urls(documents), maxConcurrency: 5);

        Invariant.Holds(yielded.Count == documents.Count,
            $"DownloadAsCompletedAsync was given {documents.Count} URLs and yielded {yielded.Count} downloads; it must yield each " +
            $"one once.\nRead next: {ReadNext}");
        foreach (var (item, _, _) in yielded)
        {
            Invariant.Holds(item.Index >= 0 && item.Index < documents.Count && item.Url == documents[item.Index].Url &&
                            Session.WhichDocument(documents, item.Content) == item.Index,
                $"DownloadAsCompletedAsync yielded Download(Index: {item.Index}, Url: {item.Url}, {item.Content?.Length ?? 0:N0} bytes), " +
                $"but those are not the bytes of that URL: Index is the URL's position in the list, Url the URL, Content its " +
                $"bytes.\nRead next: {ReadNext}");
        }

        var order = yielded.Select(y => y.Item.Index).ToList();
        Invariant.Holds(order.SequenceEqual(expected),
            $"The server held the 5 URLs for {string.Join(", ", delays.Select(ms => $"{ms} ms"))}, so they finish in the order " +
            $"{Positions(expected)}; DownloadAsCompletedAsync yielded them in the order {Positions(order)}. " +
            (order.SequenceEqual(Enumerable.Range(0, documents.Count))
                ? "That is the order of the list: awaiting the downloads one by one in list order makes a fast one wait for the " +
                  "slow ones before it. "
                : "") +
            "Like as_completed, yield each download when it finishes: Task.WhenEach(tasks) hands out tasks in the order they " +
            $"complete.\nRead next: {ReadNext}");

        var (first, at, completedThen) = yielded[0];
        Invariant.Holds(completedThen < documents.Count,
            $"The first download (URL {first.Index + 1}) was yielded only after {at.TotalMilliseconds:N0} ms, when the server had " +
            $"sent all {documents.Count} documents: DownloadAsCompletedAsync waits for every download, then yields. Yield each " +
            "one as soon as it has finished: the caller can work on the first result while the others are still coming." +
            $"\nRead next: {ReadNext}");
    }

    [Test]
    public void The_completion_order_variant_keeps_the_limit_too()
    {
        using var session = new Session();
        var documents = session.Server.AddDocuments(8, TimeSpan.FromMilliseconds(300), seed: 5);

        var yielded = session.DownloadAsCompleted(Session.Urls(documents), maxConcurrency: 2);

        var most = session.Server.MaxInFlight;
        Invariant.Holds(yielded.Count == documents.Count,
            $"DownloadAsCompletedAsync was given {documents.Count} URLs and yielded {yielded.Count} downloads.\nRead next: {ReadNext}");
        Invariant.Holds(most == 2,
            $"DownloadAsCompletedAsync(8 URLs, maxConcurrency: 2) had at most {most} requests in flight at once on the server; " +
            (most > 2
                ? "the limit is 2: bound the downloads (a SemaphoreSlim(maxConcurrency) around each one) before handing the tasks to Task.WhenEach."
                : "2 were allowed: start up to maxConcurrency downloads at once, not one after another.") +
            $"\nRead next: {ReadNext}");
    }

    [Test]
    public void Canceling_stops_every_download_promptly()
    {
        using var session = new Session();
        var documents = Enumerable.Range(1, 8)
            .Select(i => session.Server.Add($"docs/slow-{i}.bin", 20_001, (ulong)(300 + i), fault: DocumentFault.Stall))
            .ToList();
        using var cancel = new CancellationTokenSource();

        var task = Bounded.Run(Session.Limit, "calling DownloadAllAsync", () =>
            session.Downloader.DownloadAllAsync(Session.Urls(documents), 4, cancel.Token));
        ExpectStopOnCancel(session, cancel, "DownloadAllAsync(8 URLs, maxConcurrency: 4, token)", maxConcurrency: 4,
            () => WaitFor(task, s_stopLimit), () => Outcome(task));
    }

    [Test]
    public void Canceling_the_completion_order_variant_stops_its_downloads()
    {
        using var session = new Session();
        var quick = session.Server.Add("docs/quick.bin", 20_001, seed: 400, TimeSpan.FromMilliseconds(100));
        var documents = new[] { quick }.Concat(Enumerable.Range(1, 5)
            .Select(i => session.Server.Add($"docs/slow-{i}.bin", 20_001, (ulong)(400 + i), fault: DocumentFault.Stall))).ToList();
        using var cancel = new CancellationTokenSource();

        var items = Bounded.Run(Session.Limit, "calling DownloadAsCompletedAsync", () =>
            session.Downloader.DownloadAsCompletedAsync(Session.Urls(documents), 3, cancel.Token));
        var enumerator = Bounded.Run(Session.Limit, "calling GetAsyncEnumerator", () => items.GetAsyncEnumerator());
        try
        {
            var gotFirst = Bounded.Run(Session.Limit, "waiting for the first download from DownloadAsCompletedAsync",
                () => enumerator.MoveNextAsync().AsTask().GetAwaiter().GetResult());
            Invariant.Holds(gotFirst && enumerator.Current.Index == 0,
                $"The first URL is answered after 100 ms, the others never: DownloadAsCompletedAsync must yield the first one " +
                $"first.\nRead next: {ReadNext}");

            var next = Bounded.Run(Session.Limit, "calling MoveNextAsync for the second download",
                () => enumerator.MoveNextAsync().AsTask());
            ExpectStopOnCancel(session, cancel, "DownloadAsCompletedAsync(6 URLs, maxConcurrency: 3, token), after it yielded the first download,",
                maxConcurrency: 3, () => WaitFor(next, s_stopLimit), () => Outcome(next));
        }
        finally
        {
            // Never hangs the grader: the server is disposed first if the student's enumerator does not stop.
            Bounded.TryRun(s_stopLimit, () => enumerator.DisposeAsync().AsTask().Wait(s_stopLimit), out _);
        }
    }

    [Test]
    public void A_failed_download_is_thrown_not_swallowed()
    {
        using var session = new Session();
        var documents = session.Server.AddDocuments(5, TimeSpan.FromMilliseconds(100), seed: 6).ToList();
        documents[2] = session.Server.Add("docs/missing.bin", 10_001, seed: 600, TimeSpan.FromMilliseconds(100), DocumentFault.NotFound);
        var urls = Session.Urls(documents);

        var fromAll = Thrown(() => session.DownloadAll(urls, maxConcurrency: 2));
        Invariant.Holds(fromAll is HttpRequestException,
            $"URL 3 ({urls[2]}) answers 404 Not Found, so DownloadAllAsync(5 URLs, maxConcurrency: 2) cannot return its bytes. " +
            (fromAll is null
                ? "It returned normally, as if every download had worked: an exception caught and dropped (a catch that returns " +
                  "an empty array, or null) hides the failure from the caller. "
                : $"It threw {fromAll.GetType().Name} ({fromAll.Message}). ") +
            "Like executor.map, which raises the download's exception when its result is read, let the HttpRequestException " +
            $"that GetByteArrayAsync throws reach the caller.\nRead next: {ReadNext}");

        var fromStream = Thrown(() => session.DownloadAsCompleted(urls, maxConcurrency: 2));
        Invariant.Holds(fromStream is HttpRequestException,
            $"URL 3 ({urls[2]}) answers 404 Not Found; enumerating DownloadAsCompletedAsync(5 URLs, maxConcurrency: 2) must " +
            (fromStream is null
                ? "throw its HttpRequestException when it comes, but the enumeration ended normally: the failure was swallowed. "
                : $"throw its HttpRequestException, but it threw {fromStream.GetType().Name} ({fromStream.Message}). ") +
            $"Like a future's result() in as_completed, awaiting the failed download throws.\nRead next: {ReadNext}");
    }

    private static void ExpectStopOnCancel(
        Session session, CancellationTokenSource cancel, string call, int maxConcurrency, Func<bool> ended, Func<Exception?> outcome)
    {
        var started = session.Server.WaitUntil(s => s.InFlight >= 1, Session.Limit);
        Invariant.Holds(started, $"{call} sent no request within {Session.Limit.TotalSeconds:0} s.\nRead next: {ReadNext}");
        // Wait for all maxConcurrency requests to reach the server (a correct version sends them at once): one still on
        // its way when the token is canceled would be counted below as started after the cancel. Canceling must stop
        // all of them. A version that sends fewer is judged by the other tests; here it only costs the wait.
        session.Server.WaitUntil(s => s.InFlight >= maxConcurrency, TimeSpan.FromSeconds(5));
        var inFlight = session.Server.InFlight;
        var requestsBefore = session.Server.Requests;

        var clock = Stopwatch.StartNew();
        Bounded.Run(s_stopLimit, "canceling the token (your code's cancellation callbacks run here)", cancel.Cancel);
        var finished = ended();
        var took = clock.Elapsed;
        Invariant.Holds(finished,
            $"{call} was still running {s_stopLimit.TotalSeconds:0} s after its token was canceled, with {session.Server.InFlight} " +
            "requests open on the server (which never answers them). Pass the CancellationToken on to everything that waits: " +
            "ParallelOptions.CancellationToken, the token Parallel.ForEachAsync gives its body, GetByteArrayAsync(url, token), " +
            $"SemaphoreSlim.WaitAsync(token).\nRead next: {ReadNext}");

        var thrown = outcome();
        Invariant.Holds(thrown is OperationCanceledException,
            $"After its token was canceled, {call} " +
            (thrown is null ? "returned normally" : $"threw {thrown.GetType().Name} ({thrown.Message})") +
            ". It must throw OperationCanceledException (TaskCanceledException is one): the caller asked to stop, and must be " +
            $"able to tell a canceled run from a finished one.\nRead next: {ReadNext}");

        var closed = session.Server.WaitUntil(s => s.InFlight == 0, s_stopLimit);
        Invariant.Holds(closed,
            $"{call} threw after its token was canceled, but {session.Server.InFlight} of the {inFlight} requests stayed open on the " +
            $"server {s_stopLimit.TotalSeconds:0} s later: the downloads go on in the background. Give every download the token, " +
            $"and wait for the downloads to end before you return.\nRead next: {ReadNext}");

        Thread.Sleep(300);
        var startedAfter = session.Server.Requests - requestsBefore;
        Invariant.Holds(startedAfter == 0,
            $"{call} started {startedAfter} new requests after its token was canceled. Once canceled, start nothing more.\n" +
            $"Read next: {ReadNext}");
        TestContext.Out.WriteLine($"{call} stopped {took.TotalMilliseconds:N0} ms after the cancel; {inFlight} requests were open then.");
    }

    private static bool WaitFor(Task task, TimeSpan limit) => ((IAsyncResult)task).AsyncWaitHandle.WaitOne(limit);

    private static Exception? Outcome(Task task) => task.Status switch
    {
        TaskStatus.Canceled => new TaskCanceledException(task),
        TaskStatus.Faulted => task.Exception!.InnerExceptions.Count == 1 ? task.Exception.InnerException : task.Exception,
        _ => null,
    };

    private static Exception? Thrown(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (GradingTimeoutException)
        {
            throw;
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            return e.InnerException;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    private static string Positions(IEnumerable<int> indexes) => string.Join(", ", indexes.Select(i => $"URL {i + 1}"));
}
