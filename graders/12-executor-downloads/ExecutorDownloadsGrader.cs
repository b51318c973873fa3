using System.Diagnostics;
using Katas.ExecutorDownloads;

namespace Katas.Graders.ExecutorDownloads;

/// <summary>Which of the Downloader's two methods a check calls.</summary>
public enum Call
{
    /// <summary>DownloadAllAsync (executor.map).</summary>
    DownloadAll,

    /// <summary>DownloadAsCompletedAsync (as_completed), enumerated as `await foreach` does.</summary>
    AsCompleted,
}

/// <summary>How the caller of DownloadAsCompletedAsync hands it the token it cancels.</summary>
public enum TokenGiven
{
    /// <summary>DownloadAsCompletedAsync(urls, n, token).</summary>
    AsArgument,

    /// <summary>DownloadAsCompletedAsync(urls, n).WithCancellation(token): [EnumeratorCancellation] passes it on.</summary>
    ThroughWithCancellation,
}

/// <summary>
/// Real downloads from a real HTTP server on this machine (Katas.Grading's DocumentServer), through an HttpClient whose
/// handler is the grader's <see cref="RequestGate"/>. The gate holds requests until the grader lets them go, so "one slow
/// download", "this one finishes first" and "all of them at once" are the grader's choices, not the machine's: the checks
/// wait for events (a request sent, an answer, a download yielded), never for a time to pass. The server is the witness of
/// what reached the network: the TCP connections, and a canceled request going away.
/// </summary>
public sealed class ExecutorDownloadsGrader
{
    private const string ReadNext = Session.ReadNext;

    /// <summary>How long canceled downloads may take to stop: a correct one stops within milliseconds.</summary>
    private static readonly TimeSpan s_stopLimit = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How long the grader waits for something a correct Downloader does at once (send the next request when a slot is
    /// free, yield a download that has finished). Only wrong code ever waits this long.
    /// </summary>
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(5);

    /// <summary>How long a request over the limit gets to show up once the limit is reached (it is on its way by then).</summary>
    private static readonly TimeSpan s_settle = TimeSpan.FromMilliseconds(50);

    [OneTimeSetUp]
    public void WarmUp()
    {
        // The first request of a process compiles HttpClient's code; do it before anything is timed.
        using var server = new DocumentServer();
        var document = server.Add("warm-up.bin", 1000, seed: 1);
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        client.GetByteArrayAsync(document.Url).Wait(TimeSpan.FromSeconds(20));
    }

    [Core]
    [Test]
    public void Results_come_back_in_the_order_of_the_urls()
    {
        using var session = new Session();
        var documents = Enumerable.Range(0, 6)
            .Select(i => session.Server.Add($"docs/page-{i + 1}.bin", 20_001 + 7_919 * i, (ulong)(100 + i)))
            .ToList();
        var urls = Session.Urls(documents);
        // URL 1 is held until 3 other downloads have finished: it finishes after them, on any machine.
        session.Gate.Hold([urls[0]]);

        var task = session.StartDownloadAll(urls, maxConcurrency: 3);
        var othersFirst = session.Gate.WaitUntil(g => g.Answered.Count >= 3, s_patience);
        var finishedBefore = Positions(documents, session.Gate.Answered);
        session.Gate.Release(urls[0]);
        var results = Await(task, "waiting for DownloadAllAsync(6 URLs, maxConcurrency: 3)");

        MustHaveOnePerUrl("DownloadAllAsync(6 URLs, maxConcurrency: 3)", urls, results, session);
        for (var i = 0; i < documents.Count; i++)
        {
            var which = Session.WhichDocument(documents, results[i]);
            Invariant.Holds(which == i,
                $"results[{i}] must hold the bytes of URL {i + 1} ({documents[i].Url}), " +
                (which >= 0
                    ? $"but it holds those of URL {which + 1} ({documents[which].Url}). " +
                      (othersFirst
                          ? $"URL 1 finished last (the grader held it until {finishedBefore} had finished): "
                          : "") +
                      "results are in the order the downloads finished, not in the order of the URLs. Like executor.map, " +
                      "DownloadAllAsync returns results in input order: put each download's bytes at its URL's index " +
                      "(results[i] = ...), or await the tasks in list order."
                    : $"but it holds {(results[i] is null ? "null" : $"{results[i].Length:N0} bytes that the server never sent")}.") +
                $"\nRead next: {ReadNext}");
        }
    }

    [Core]
    [TestCase(Call.DownloadAll, 3, TestName = "Never_more_than_maxConcurrency_downloads_at_once")]
    [TestCase(Call.DownloadAll, 1, TestName = "Never_more_than_one_download_at_once_when_maxConcurrency_is_1")]
    [TestCase(Call.AsCompleted, 2, TestName = "The_completion_order_variant_keeps_the_limit_too")]
    [TestCase(Call.AsCompleted, 1, TestName = "The_completion_order_variant_keeps_a_limit_of_1_too")]
    public void Never_more_than_maxConcurrency_downloads_at_once(Call call, int maxConcurrency)
    {
        using var session = new Session();
        var documents = session.Server.AddDocuments(9, TimeSpan.Zero, seed: 2);
        var urls = Session.Urls(documents);
        var what = $"{Name(call)}(9 URLs, maxConcurrency: {maxConcurrency})";
        // Every request is held; the grader lets one go at a time, and only when as many as allowed are waiting. Code that
        // sends more than it may has them all held at once, whatever the machine's speed.
        session.Gate.HoldEverything();
        var run = Start(session, call, urls, maxConcurrency);
        IReadOnlyList<Uri> crowd = [];
        for (var released = 0; released < urls.Count; released++)
        {
            var allowed = Math.Min(maxConcurrency, urls.Count - released);
            var full = session.Gate.WaitUntil(g => g.HeldNow.Count >= allowed, s_patience);
            // Once the limit is reached, a request over it is already on its way: give it a moment to arrive.
            session.Gate.WaitUntil(g => g.InFlight > maxConcurrency, s_settle);
            if (session.Gate.InFlight > maxConcurrency)
            {
                crowd = session.Gate.InFlightNow;
                break;
            }

            if (!full || session.Gate.MostInFlight() > maxConcurrency)
            {
                // Fewer at once than allowed: another check's business; let the rest go.
                break;
            }

            var held = session.Gate.HeldNow;
            if (held.Count == 0)
            {
                break;
            }

            session.Gate.Release(held[0]);
        }

        var most = session.Gate.MostInFlight();
        session.Gate.ReleaseEverything();
        run.Finish(documents);

        Invariant.Holds(most <= maxConcurrency,
            $"{what} had {most} requests in flight at once; the limit is {maxConcurrency}" +
            (crowd.Count > maxConcurrency ? $" ({Positions(documents, crowd)} were all waiting for an answer together)" : "") +
            ". maxConcurrency is the lesson's max_workers: however many URLs there are, no more than that many downloads may " +
            "run at the same time (a site that blocks clients with too many open requests, a connection pool of that size). " +
            (call == Call.DownloadAll
                ? "Starting a task per URL and awaiting them all (Task.WhenAll) runs them all at once: bound them with " +
                  "Parallel.ForEachAsync's MaxDegreeOfParallelism, or a SemaphoreSlim(maxConcurrency)."
                : "Bound the downloads (a SemaphoreSlim(maxConcurrency) around each one) before handing the tasks to Task.WhenEach.") +
            $"{session.AroundTheClientNote}\nRead next: {ReadNext}");
    }

    [Core]
    [TestCase(Call.DownloadAll, TestName = "Downloads_run_maxConcurrency_at_a_time")]
    [TestCase(Call.AsCompleted, TestName = "The_completion_order_variant_runs_maxConcurrency_at_a_time")]
    public void Downloads_run_maxConcurrency_at_a_time(Call call)
    {
        const int MaxConcurrency = 4;
        using var session = new Session();
        var documents = session.Server.AddDocuments(12, TimeSpan.Zero, seed: 3);
        var urls = Session.Urls(documents);
        var what = $"{Name(call)}(12 URLs, maxConcurrency: {MaxConcurrency})";
        // Every request is held until 4 are waiting together: a Downloader that runs 4 at a time gets there at once.
        session.Gate.HoldEverything();
        var run = Start(session, call, urls, MaxConcurrency);
        var reached = session.Gate.WaitUntil(g => g.InFlight >= MaxConcurrency, s_patience);
        var most = session.Gate.MostInFlight();
        var requested = session.Gate.Requests;
        session.Gate.ReleaseEverything();
        run.Finish(documents);

        Invariant.Holds(reached,
            $"{what} never had {MaxConcurrency} downloads in flight at once: the grader held every request until {MaxConcurrency} " +
            $"were waiting together, and after {s_patience.TotalSeconds:0} s {most} {(most == 1 ? "was" : "were")} " +
            $"({requested} sent in all). " +
            (most <= 1
                ? "It downloads one URL after another: an `await` inside the loop waits for each download before the next one " +
                  "starts. Start up to maxConcurrency downloads, then await them."
                : $"It uses only {most} of the {MaxConcurrency} allowed: start up to maxConcurrency downloads at once.") +
            $"{session.AroundTheClientNote}\nRead next: {ReadNext}");
    }

    [TestCase(Call.DownloadAll, TestName = "A_slow_download_holds_up_only_its_own_slot")]
    [TestCase(Call.AsCompleted, TestName = "The_completion_order_variant_lets_a_slow_download_hold_up_only_its_own_slot")]
    public void A_slow_download_holds_up_only_its_own_slot(Call call)
    {
        const int MaxConcurrency = 3;
        using var session = new Session();
        var documents = session.Server.AddDocuments(9, TimeSpan.Zero, seed: 7);
        var urls = Session.Urls(documents);
        int[] slow = [1, 4];
        var others = Enumerable.Range(0, urls.Count).Except(slow).ToList();
        var what = $"{Name(call)}(9 URLs, maxConcurrency: {MaxConcurrency})";
        // URLs 2 and 5 (one in the first three, one in the middle) are slow: held until the other 7 are done. An executor
        // hands each URL to whichever worker is free, so the 7 go through the third slot meanwhile; batches of 3, or URLs
        // dealt out to the workers up front, wait behind a slow one.
        session.Gate.Hold(slow.Select(i => urls[i]));
        var run = Start(session, call, urls, MaxConcurrency);
        var answered = session.Gate.WaitUntil(g => others.All(i => g.StatesOf(urls[i]).Contains(RequestGate.State.Answered)), s_patience);
        var yielded = call == Call.DownloadAll ||
            run.Consumer!.WaitUntil(c => c.Yielded.Count >= others.Count || c.LoopEnded, answered ? s_patience : TimeSpan.Zero);
        var finished = others.Where(i => session.Gate.StatesOf(urls[i]).Contains(RequestGate.State.Answered)).ToList();
        var neverSent = others.Where(i => session.Gate.StatesOf(urls[i]).Count == 0).ToList();
        var inFlight = session.Gate.InFlightNow;
        var got = run.Consumer?.Yielded.Select(d => d.Index).ToList() ?? [];
        session.Gate.ReleaseEverything();
        run.Finish(documents);

        Invariant.Holds(answered,
            $"{what}: URLs 2 and 5 were slow (the grader held them until every other URL was downloaded); the other 7 could " +
            $"all go through the slot left free meanwhile, but after {s_patience.TotalSeconds:0} s only {Describe(finished)} had " +
            $"been downloaded, {Describe(neverSent)} {(neverSent.Count == 1 ? "was" : "were")} never even requested, and only " +
            $"{inFlight.Count} {(inFlight.Count == 1 ? "download was" : "downloads were")} in flight ({Positions(documents, inFlight)}). " +
            (session.Gate.MostInFlight() <= 1
                ? "It downloads one URL after another, so nothing can pass a slow one (see Downloads_run_maxConcurrency_at_a_time). "
                : "") +
            "A slow download must hold up only its own slot: the lesson's executor hands each URL to whichever worker is free. " +
            "Batches of maxConcurrency (the next batch waits for the slowest of this one), or URLs dealt out to the workers up " +
            "front (a worker's share waits behind its slow URL), leave slots idle while URLs are waiting. Take the next URL " +
            "when a slot frees: Parallel.ForEachAsync, a SemaphoreSlim around each download, or workers that take the next index " +
            $"from a shared counter.{session.AroundTheClientNote}\nRead next: {ReadNext}");
        Invariant.Holds(yielded,
            $"{what}: URLs 2 and 5 were slow (held until the others were done), and the other 7 were all downloaded meanwhile, " +
            $"but DownloadAsCompletedAsync yielded only {Positions(got)} of them. Like as_completed, yield each download as soon as " +
            "it has finished, not in the order of the list and not in batches: Task.WhenEach(tasks) hands out the tasks in the " +
            $"order they complete.\nRead next: {ReadNext}");
    }

    [TestCase(Call.DownloadAll, TestName = "One_HttpClient_serves_every_request")]
    [TestCase(Call.AsCompleted, TestName = "The_completion_order_variant_uses_the_one_HttpClient_too")]
    public void One_HttpClient_serves_every_request(Call call)
    {
        using var session = new Session();
        var documents = session.Server.AddDocuments(12, TimeSpan.FromMilliseconds(100), seed: 4);

        Start(session, call, Session.Urls(documents), 3).Finish(documents);

        var connections = session.Server.Connections;
        var requests = session.Server.Requests;
        var most = Math.Max(1, session.Server.MaxInFlight);
        Invariant.Holds(connections <= most,
            $"{Name(call)}(12 URLs, maxConcurrency: 3): {requests} requests came over {connections} TCP connections, though never " +
            $"more than {most} were in flight at once. One HttpClient keeps its connections open and reuses them: 3 at a time " +
            "need 3 connections, whatever the number of URLs. A new HttpClient per request opens (and leaves behind) a " +
            "connection per request: under load that runs out of sockets. Use the HttpClient the Downloader was given, for " +
            "every request.\nRead next: https://learn.microsoft.com/dotnet/fundamentals/networking/http/httpclient-guidelines");
        Invariant.Holds(session.RequestsThroughTheClient == documents.Count,
            $"{Name(call)}: only {session.RequestsThroughTheClient} of the {requests} requests went through the HttpClient the " +
            "Downloader was given (new Downloader(client)). Whoever creates the Downloader decides how it connects (its handler, " +
            $"time-outs, headers): download with that client, not one of your own.\nRead next: {ReadNext}");
    }

    [Test]
    public void The_completion_order_variant_yields_each_download_as_it_finishes()
    {
        using var session = new Session();
        var documents = Enumerable.Range(0, 6)
            .Select(i => session.Server.Add($"docs/item-{i + 1}.bin", 30_001 + 9_973 * i, (ulong)(200 + i)))
            .ToList();
        var urls = Session.Urls(documents);
        // All 6 are held; the grader lets them finish in this order, two of them at the same moment (a tie), and after each
        // step waits for what it let go to be yielded, while the rest are still downloading.
        int[][] steps = [[3], [1], [5, 0], [2], [4]];
        session.Gate.HoldEverything();
        var consumer = session.StartAsCompleted(urls, maxConcurrency: 6);
        const string What = "DownloadAsCompletedAsync(6 URLs, maxConcurrency: 6)";
        var done = new List<int>();
        foreach (var step in steps)
        {
            var waiting = session.Gate.WaitUntil(g => step.All(i => g.HeldNow.Contains(urls[i])), s_patience);
            Invariant.Holds(waiting,
                $"{What} did not request {Positions(step)} while the others were downloading: the grader holds every request, " +
                $"and all 6 may run at once (maxConcurrency: 6), but after {s_patience.TotalSeconds:0} s only " +
                $"{Positions(documents, session.Gate.InFlightNow)} were in flight. Start up to maxConcurrency downloads at once." +
                $"{session.AroundTheClientNote}\nRead next: {ReadNext}");
            foreach (var i in step)
            {
                session.Gate.Release(urls[i]);
            }

            var stillRunning = Enumerable.Range(0, urls.Count).Except(done).Except(step).ToList();
            var expected = done.Count + step.Length;
            var came = consumer.WaitUntil(c => c.Yielded.Count >= expected || c.LoopEnded, s_patience);
            var yielded = consumer.Yielded;
            Invariant.Holds(came && yielded.Count >= expected,
                consumer.Thrown is { } thrown
                    ? $"{What} threw {thrown.GetType().Name} ({thrown.Message}) after {Positions(step)} finished; every URL " +
                      $"answers.\nRead next: {ReadNext}"
                    : $"{Positions(step)} finished (the server answered {(step.Length == 1 ? "it" : "them")}) while " +
                      $"{Positions(stillRunning)} {(stillRunning.Count == 1 ? "was" : "were")} still downloading, but {What} " +
                      $"yielded {(yielded.Count == done.Count ? "nothing" : Positions(yielded.Skip(done.Count).Select(d => d.Index)))} " +
                      $"in {s_patience.TotalSeconds:0} s. " +
                      (done.Count == 0 && yielded.Count == 0 && step[0] != 0
                          ? "It waits for URL 1, the first of the list (awaiting the downloads one by one in list order makes " +
                            "a fast one wait for the slow ones before it), or for all of them. "
                          : "") +
                      "Like as_completed, yield each download as soon as it has finished: Task.WhenEach(tasks) hands out tasks " +
                      $"in the order they complete.\nRead next: {ReadNext}");
            var got = yielded.Skip(done.Count).Take(step.Length).ToList();
            foreach (var item in got)
            {
                MustBeItsOwnDownload(What, documents, item);
            }

            Invariant.Holds(got.Select(d => d.Index).Order().SequenceEqual(step.Order()),
                $"{What}: the grader let {Positions(step)} finish while the others were still held, and the next " +
                $"{(step.Length == 1 ? "download" : step.Length + " downloads")} yielded {(step.Length == 1 ? "was" : "were")} " +
                $"{Positions(got.Select(d => d.Index))}. The downloads finished in the order {Positions(done.Concat(step))}; " +
                "yield each one as soon as it has finished (as_completed), with its own Index, Url and Content." +
                $"\nRead next: {ReadNext}");
            done.AddRange(step);
        }

        var ended = consumer.WaitUntil(c => c.Disposed, Session.Limit);
        Invariant.Holds(ended && consumer.ReturnedNormally && consumer.Yielded.Count == urls.Count,
            $"{What} yielded the 6 downloads, then " +
            (!ended
                ? $"did not end within {Session.Limit.TotalSeconds:0} s."
                : consumer.Thrown is { } e ? $"threw {e.GetType().Name} ({e.Message})." : $"yielded {consumer.Yielded.Count - urls.Count} more.") +
            $" After the last download the enumeration ends.\nRead next: {ReadNext}");
    }

    [Test]
    public void Canceling_stops_every_download_promptly()
    {
        using var session = new Session();
        var documents = Enumerable.Range(1, 8)
            .Select(i => session.Server.Add($"docs/slow-{i}.bin", 20_001, (ulong)(300 + i), fault: DocumentFault.Stall))
            .ToList();
        using var cancel = new CancellationTokenSource();

        var task = session.StartDownloadAll(Session.Urls(documents), 4, cancel.Token);
        ExpectStopOnCancel(session, cancel, "DownloadAllAsync(8 URLs, maxConcurrency: 4, token)", maxConcurrency: 4,
            () => Session.Ended(task, s_stopLimit), () => Session.Outcome(task));
    }

    [TestCase(TokenGiven.AsArgument, TestName = "Canceling_the_completion_order_variant_stops_its_downloads")]
    [TestCase(TokenGiven.ThroughWithCancellation, TestName = "Canceling_through_WithCancellation_stops_the_downloads_too")]
    public void Canceling_the_completion_order_variant_stops_its_downloads(TokenGiven given)
    {
        using var session = new Session();
        var quick = session.Server.Add("docs/quick.bin", 20_001, seed: 400, TimeSpan.FromMilliseconds(100));
        var documents = new[] { quick }.Concat(Enumerable.Range(1, 5)
            .Select(i => session.Server.Add($"docs/slow-{i}.bin", 20_001, (ulong)(400 + i), fault: DocumentFault.Stall))).ToList();
        using var cancel = new CancellationTokenSource();
        var consumer = given == TokenGiven.AsArgument
            ? session.StartAsCompleted(Session.Urls(documents), 3, token: cancel.Token)
            : session.StartAsCompleted(Session.Urls(documents), 3, withCancellation: cancel.Token);
        var call = given == TokenGiven.AsArgument
            ? "DownloadAsCompletedAsync(6 URLs, maxConcurrency: 3, token), after it yielded the first download,"
            : "DownloadAsCompletedAsync(6 URLs, maxConcurrency: 3).WithCancellation(token), after it yielded the first download,";

        var gotFirst = consumer.WaitUntil(c => c.Yielded.Count >= 1 || c.LoopEnded, Session.Limit);
        Invariant.Holds(gotFirst && consumer.Yielded.Count >= 1 && consumer.Yielded[0].Index == 0,
            "The first URL is answered after 100 ms, the others never: DownloadAsCompletedAsync must yield the first one first" +
            (consumer.Thrown is { } e ? $", but it threw {e.GetType().Name} ({e.Message})." : ".") + $"\nRead next: {ReadNext}");

        ExpectStopOnCancel(session, cancel, call, maxConcurrency: 3,
            () => consumer.WaitUntil(c => c.Disposed, s_stopLimit), () => consumer.Thrown);
        if (given == TokenGiven.ThroughWithCancellation)
        {
            TestContext.Out.WriteLine("[EnumeratorCancellation] passed WithCancellation's token on to the downloads.");
        }
    }

    [Test]
    public void Leaving_the_completion_order_loop_early_stops_its_downloads()
    {
        using var session = new Session();
        var first = session.Server.Add("docs/first.bin", 20_001, seed: 500);
        var documents = new[] { first }.Concat(Enumerable.Range(1, 5)
            .Select(i => session.Server.Add($"docs/slow-{i}.bin", 20_001, (ulong)(500 + i), fault: DocumentFault.Stall))).ToList();
        var urls = Session.Urls(documents);
        const string What = "DownloadAsCompletedAsync(6 URLs, maxConcurrency: 3)";
        // The first URL is answered only once 3 requests are out (2 of them on the server, which never answers them); the
        // caller takes that first download and leaves the loop (`break`: the enumerator's DisposeAsync).
        // Canceled requests take their time to stop (the gate keeps them in flight until the grader lets them end), so
        // a loop that is left before its downloads have stopped is seen to be, on any machine.
        session.Gate.Hold([urls[0]]);
        session.Gate.DelayStops();
        var consumer = session.StartAsCompleted(urls, 3, breakAfter: 1);
        session.Gate.WaitUntil(g => g.InFlight >= 3, s_patience);
        session.Server.WaitUntil(s => s.InFlight >= 2, s_patience);
        var openBefore = session.Server.InFlight;
        session.Gate.Release(urls[0]);

        // Every download left is canceled and stopping: a finally that waits for them is still waiting, so the loop
        // cannot be over yet. Only a Downloader that does not wait for them lets the caller go on now.
        var allStopping = session.Gate.WaitUntil(g => g.Stopping > 0 && g.Stopping == g.InFlight, s_stopLimit);
        var leftWhileStopping = allStopping && consumer.WaitUntil(c => c.Disposed, s_settle * 10);
        var stillStopping = session.Gate.Stopping;
        session.Gate.FinishStops();
        Invariant.Holds(!leftWhileStopping,
            $"{What}: the caller took the first download and left the loop (`break`), and the loop was over while " +
            $"{stillStopping} canceled download{(stillStopping == 1 ? " was" : "s were")} still stopping (the grader made them " +
            "take their time, as a request closing its connection can): they outlive the loop. Your finally cancels them but " +
            "does not wait for them: after canceling, await them all there (await Task.WhenAll(downloads), catching or " +
            "suppressing their OperationCanceledException), so that no download is left running when the loop is over." +
            $"\nRead next: {ReadNext}");

        var disposed = consumer.WaitUntil(c => c.Disposed, Session.Limit);
        Invariant.Holds(disposed && consumer.Yielded.Count == 1,
            $"{What}: the caller took the first download and left the loop (`break`), but " +
            (consumer.Yielded.Count == 0
                ? $"the first download never came{(consumer.Thrown is { } e ? $" ({e.GetType().Name}: {e.Message})" : "")}."
                : $"leaving it (the enumerator's DisposeAsync) did not end within {Session.Limit.TotalSeconds:0} s: your finally waits " +
                  "for downloads it has not canceled.") +
            $"\nRead next: {ReadNext}");
        var requestsAtBreak = session.Gate.Requests;

        var closed = session.Server.WaitUntil(s => s.InFlight == 0, s_stopLimit) && session.Gate.WaitUntil(g => g.InFlight == 0, s_stopLimit);
        Invariant.Holds(closed,
            $"{What}: the caller took the first download and left the loop (`break`), but {session.Server.InFlight} of the " +
            $"{openBefore} requests open on the server stayed open {s_stopLimit.TotalSeconds:0} s later " +
            $"({session.Gate.InFlight} downloads still running): they go on in the background for nobody. Leaving an " +
            "`await foreach` early disposes the enumerator, which runs your iterator's finally: cancel the downloads there " +
            "(a CancellationTokenSource linked to the caller's token, given to every download) and wait for them." +
            $"\nRead next: {ReadNext}");

        Thread.Sleep(300);
        var startedAfter = session.Gate.Requests - requestsAtBreak;
        Invariant.Holds(startedAfter == 0,
            $"{What} started {startedAfter} new requests after the caller had left the loop. Once the caller is gone, start " +
            $"nothing more.\nRead next: {ReadNext}");
    }

    [TestCase(Call.DownloadAll, TestName = "A_failed_download_is_thrown_not_swallowed")]
    [TestCase(Call.AsCompleted, TestName = "The_completion_order_variant_throws_a_failed_download_too")]
    public void A_failed_download_is_thrown_not_swallowed(Call call)
    {
        using var session = new Session();
        var documents = session.Server.AddDocuments(5, TimeSpan.FromMilliseconds(100), seed: 6).ToList();
        documents[2] = session.Server.Add("docs/missing-3.bin", 10_001, seed: 600, TimeSpan.FromMilliseconds(100), DocumentFault.NotFound);
        documents[3] = session.Server.Add("docs/missing-4.bin", 10_001, seed: 601, TimeSpan.FromMilliseconds(100), DocumentFault.NotFound);
        var urls = Session.Urls(documents);
        var what = $"{Name(call)}(5 URLs, maxConcurrency: 2)";

        var thrown = Start(session, call, urls, 2).Outcome();
        Invariant.Holds(thrown is HttpRequestException,
            $"URLs 3 and 4 ({urls[2]}, {urls[3]}) answer 404 Not Found, so {what} cannot " +
            (call == Call.DownloadAll ? "return their bytes. " : "yield them. ") +
            (thrown is null
                ? (call == Call.DownloadAll
                    ? "It returned normally, as if every download had worked: "
                    : "The enumeration ended normally: ") +
                  "an exception caught and dropped (a catch that returns an empty array, or null, or skips the URL) hides the " +
                  "failure from the caller. "
                : $"It threw {thrown.GetType().Name} ({thrown.Message}). ") +
            "Like executor.map, which raises the download's exception when its result is read, let the HttpRequestException " +
            $"that GetByteArrayAsync throws reach the caller.\nRead next: {ReadNext}");
    }

    [Test]
    public void The_completion_order_variant_throws_a_failure_when_it_happens()
    {
        using var session = new Session();
        var documents = session.Server.AddDocuments(5, TimeSpan.Zero, seed: 8).ToList();
        documents[2] = session.Server.Add("docs/missing.bin", 10_001, seed: 800, fault: DocumentFault.NotFound);
        var urls = Session.Urls(documents);
        const string What = "DownloadAsCompletedAsync(5 URLs, maxConcurrency: 5)";
        // Every request is held; the grader lets only URL 3 go, which answers 404, while the other 4 are still downloading.
        session.Gate.HoldEverything();
        var consumer = session.StartAsCompleted(urls, maxConcurrency: 5);
        session.Gate.WaitUntil(g => g.HeldNow.Contains(urls[2]), s_patience);
        session.Gate.Release(urls[2]);

        var threw = consumer.WaitUntil(c => c.LoopEnded, s_patience);
        var thrown = consumer.Thrown;
        var stillHeld = session.Gate.HeldNow;
        Invariant.Holds(threw && thrown is HttpRequestException,
            $"URL 3 answered 404 Not Found while {Positions(documents, stillHeld)} were still downloading, and {What} " +
            (!threw
                ? $"threw nothing for {s_patience.TotalSeconds:0} s{(consumer.Yielded.Count > 0 ? $" (it yielded {Positions(consumer.Yielded.Select(d => d.Index))})" : "")}: " +
                  "it keeps the failure until the other downloads have finished (or until it reaches URL 3 in list order). "
                : thrown is null
                    ? "ended normally: the failure was swallowed. "
                    : $"threw {thrown.GetType().Name} ({thrown.Message}). ") +
            "A failure is thrown when it happens: like a future's result() in as_completed, awaiting the failed download throws " +
            $"its HttpRequestException, at once.{session.AroundTheClientNote}\nRead next: {ReadNext}");

        var stopped = consumer.WaitUntil(c => c.Disposed, s_stopLimit) && session.Gate.WaitUntil(g => g.InFlight == 0, s_stopLimit);
        Invariant.Holds(stopped,
            $"{What} threw URL 3's HttpRequestException, and the caller's loop ended with it, but " +
            $"{Positions(documents, session.Gate.InFlightNow)} were still downloading {s_stopLimit.TotalSeconds:0} s later: nobody " +
            "will read them. The exception leaves the caller's `await foreach` like a `break` does: your iterator's finally must " +
            "cancel the downloads still running (a CancellationTokenSource linked to the caller's token) and wait for them." +
            $"\nRead next: {ReadNext}");
    }

    [Test]
    public void Calls_at_once_keep_their_own_urls_and_limits()
    {
        using var session = new Session();
        var warmUp = session.Server.AddDocuments(4, TimeSpan.Zero, seed: 9, prefix: "docs/first-");
        var mapped = session.Server.AddDocuments(4, TimeSpan.Zero, seed: 10, prefix: "docs/map-");
        var streamed = session.Server.AddDocuments(4, TimeSpan.Zero, seed: 11, prefix: "docs/stream-");
        var mappedUrls = Session.Urls(mapped);
        var streamedUrls = Session.Urls(streamed);

        // One Downloader, three calls: one with maxConcurrency 3 first, then two at once, each with a limit of its own.
        Start(session, Call.DownloadAll, Session.Urls(warmUp), 3).Finish(warmUp);
        session.Gate.HoldEverything();
        var map = Start(session, Call.DownloadAll, mappedUrls, 1);
        var stream = Start(session, Call.AsCompleted, streamedUrls, 2);
        var both = session.Gate.WaitUntil(g => g.InFlightOf(mappedUrls) >= 1 && g.InFlightOf(streamedUrls) >= 2, s_patience);
        session.Gate.WaitUntil(g => g.InFlightOf(mappedUrls) > 1 || g.InFlightOf(streamedUrls) > 2, s_settle);
        var (mapMost, streamMost) = (session.Gate.MostInFlight(mappedUrls), session.Gate.MostInFlight(streamedUrls));
        var (mapNow, streamNow) = (session.Gate.InFlightOf(mappedUrls), session.Gate.InFlightOf(streamedUrls));
        session.Gate.ReleaseEverything();
        map.Finish(mapped);
        stream.Finish(streamed);

        const string Calls = "DownloadAllAsync(4 URLs, maxConcurrency: 1) and DownloadAsCompletedAsync(4 other URLs, maxConcurrency: 2), " +
            "called at the same time on one Downloader (after a DownloadAllAsync with maxConcurrency: 3),";
        Invariant.Holds(mapMost <= 1 && streamMost <= 2,
            $"{Calls} had {mapMost} and {streamMost} requests in flight at once. Each call has its own limit: state kept in the " +
            "Downloader's fields (a SemaphoreSlim made by the first call, a shared counter) carries one call's maxConcurrency into " +
            $"the others. Make the limit, the results and everything else of a call local to that call.\nRead next: {ReadNext}");
        Invariant.Holds(both,
            $"{Calls} never had 1 and 2 downloads in flight at the same time: after {s_patience.TotalSeconds:0} s they had {mapNow} " +
            $"and {streamNow}. Each call may run up to its own maxConcurrency at once, whatever the other calls do: a limit kept in " +
            "the Downloader's fields (a SemaphoreSlim made by the first call) is shared by every call. Make it local to the call." +
            $"{session.AroundTheClientNote}\nRead next: {ReadNext}");
    }

    private static void ExpectStopOnCancel(
        Session session, CancellationTokenSource cancel, string call, int maxConcurrency, Func<bool> ended, Func<Exception?> outcome)
    {
        var started = session.Server.WaitUntil(s => s.InFlight >= 1, Session.Limit);
        Invariant.Holds(started, $"{call} sent no request within {Session.Limit.TotalSeconds:0} s.\nRead next: {ReadNext}");
        // Wait for all maxConcurrency requests to reach the server (a correct version sends them at once): one still on
        // its way when the token is canceled would be counted below as started after the cancel. Canceling must stop
        // all of them. A version that sends fewer is judged by the other tests; here it only costs the wait.
        session.Server.WaitUntil(s => s.InFlight >= maxConcurrency, s_patience);
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

    /// <summary>Starts one of the two methods; <see cref="Running.Finish"/> waits for it and checks what it returned.</summary>
    private static Running Start(Session session, Call call, IReadOnlyList<Uri> urls, int maxConcurrency) => call == Call.DownloadAll
        ? new Running(session, call, urls, maxConcurrency, session.StartDownloadAll(urls, maxConcurrency), null)
        : new Running(session, call, urls, maxConcurrency, null, session.StartAsCompleted(urls, maxConcurrency));

    private static T Await<T>(Task<T> task, string what) =>
        Bounded.Run(Session.Limit, what, () => task.GetAwaiter().GetResult());

    private static void MustHaveOnePerUrl(string what, IReadOnlyList<Uri> urls, IReadOnlyList<byte[]>? results, Session session) =>
        Invariant.Holds(results is not null && results.Count == urls.Count,
            $"{what} returned {(results is null ? "null" : $"{results.Count} results")}: it must return one byte[] per URL, in " +
            $"the order of the URLs.{session.AroundTheClientNote}\nRead next: {ReadNext}");

    private static void MustBeItsOwnDownload(string what, IReadOnlyList<ServedDocument> documents, Download item) =>
        Invariant.Holds(item.Index >= 0 && item.Index < documents.Count && item.Url == documents[item.Index].Url &&
                        Session.WhichDocument(documents, item.Content) == item.Index,
            $"{what} yielded Download(Index: {item.Index}, Url: {item.Url}, {item.Content?.Length ?? 0:N0} bytes), but those do " +
            "not belong together: Index is the URL's position in the list, Url the URL, Content its bytes." +
            $"\nRead next: {ReadNext}");

    private static string Name(Call call) => call == Call.DownloadAll ? "DownloadAllAsync" : "DownloadAsCompletedAsync";

    private static string Positions(IEnumerable<int> indexes)
    {
        var list = indexes.Select(i => $"URL {i + 1}").ToList();
        return list.Count switch
        {
            0 => "none",
            1 => list[0],
            _ => string.Join(", ", list.Take(list.Count - 1)) + " and " + list[^1],
        };
    }

    private static string Positions(IReadOnlyList<ServedDocument> documents, IEnumerable<Uri> urls) =>
        Positions(urls.Select(url => documents.ToList().FindIndex(d => d.Url == url)).Where(i => i >= 0));

    private static string Describe(IReadOnlyList<int> indexes) => indexes.Count == 0 ? "none" : Positions(indexes);

    /// <summary>One call of DownloadAllAsync or DownloadAsCompletedAsync, started; the grader waits for it at the end.</summary>
    private sealed class Running(Session session, Call call, IReadOnlyList<Uri> urls, int maxConcurrency,
        Task<IReadOnlyList<byte[]>>? task, Consumer? consumer)
    {
        public Consumer? Consumer => consumer;

        private string What => $"{Name(call)}({urls.Count} URLs, maxConcurrency: {maxConcurrency})";

        /// <summary>Waits for the call to end and checks that every URL's bytes came back, each in its place.</summary>
        public void Finish(IReadOnlyList<ServedDocument> documents)
        {
            if (task is not null)
            {
                var results = Await(task, $"waiting for {What}");
                MustHaveOnePerUrl(What, urls, results, session);
                for (var i = 0; i < urls.Count; i++)
                {
                    var which = Session.WhichDocument(documents, results[i]);
                    Invariant.Holds(which == i,
                        $"{What}: results[{i}] must hold the bytes of URL {i + 1}, but it holds " +
                        (which >= 0 ? $"those of URL {which + 1}." : $"{results[i]?.Length ?? 0:N0} bytes the server never sent.") +
                        $" Put each download's bytes at its URL's index.\nRead next: {ReadNext}");
                }

                return;
            }

            var ended = consumer!.WaitUntil(c => c.Disposed, Session.Limit);
            Invariant.Holds(ended,
                $"{What} did not finish within {Session.Limit.TotalSeconds:0} s: {consumer.Yielded.Count} of {urls.Count} downloads " +
                $"were yielded.{session.AroundTheClientNote}\nRead next: {ReadNext}");
            Invariant.Holds(consumer.Thrown is null,
                $"{What} threw {consumer.Thrown?.GetType().Name} ({consumer.Thrown?.Message}), though every URL answers." +
                $"\nRead next: {ReadNext}");
            Invariant.Holds(consumer.Yielded.Count == urls.Count && consumer.Yielded.Select(d => d.Index).Order().SequenceEqual(Enumerable.Range(0, urls.Count)),
                $"{What} yielded {Positions(consumer.Yielded.Select(d => d.Index))}: every URL must be yielded once." +
                $"\nRead next: {ReadNext}");
            foreach (var item in consumer.Yielded)
            {
                MustBeItsOwnDownload(What, documents, item);
            }
        }

        /// <summary>Waits for the call to end and returns what it threw (null if it ended normally).</summary>
        public Exception? Outcome()
        {
            if (task is not null)
            {
                if (!Session.Ended(task, Session.Limit))
                {
                    throw new GradingTimeoutException($"Timed out after {Session.Limit.TotalSeconds:0} s while waiting for {What}.");
                }

                return Session.Outcome(task);
            }

            if (!consumer!.WaitUntil(c => c.LoopEnded, Session.Limit))
            {
                throw new GradingTimeoutException($"Timed out after {Session.Limit.TotalSeconds:0} s while enumerating {What}.");
            }

            return consumer.Thrown;
        }
    }
}
