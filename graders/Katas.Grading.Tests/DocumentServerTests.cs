using System.Diagnostics;
using System.Net;

namespace Katas.Grading.Tests;

/// <summary>The download graders' HTTP server (graders/Katas.Grading/DocumentServer.cs), against a real HttpClient.</summary>
[Parallelizable(ParallelScope.None)]
public sealed class DocumentServerTests
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(10);

    private static HttpClient NewClient() => new(new SocketsHttpHandler { UseProxy = false });

    [Test]
    public void Serves_the_exact_bytes_and_reuses_one_connection_for_one_client()
    {
        using var server = new DocumentServer();
        var documents = server.AddDocuments(3, TimeSpan.Zero);
        using var client = NewClient();

        foreach (var document in documents)
        {
            client.GetByteArrayAsync(document.Url).Wait(s_limit).Should().BeTrue();
            client.GetByteArrayAsync(document.Url).Result.Should().Equal(document.Content);
        }

        server.Requests.Should().Be(6);
        server.Connections.Should().Be(1, "one HttpClient sending one request at a time keeps its connection alive");
        server.RequestLog.Should().OnlyContain(r => r.Outcome == RequestOutcome.Completed && r.Connection == 1);
        server.InFlight.Should().Be(0);
    }

    [Test]
    public void Generated_documents_are_the_same_on_every_run_and_never_a_multiple_of_4_KB()
    {
        using var first = new DocumentServer();
        using var second = new DocumentServer();

        var a = first.AddDocuments(9, TimeSpan.Zero);
        var b = second.AddDocuments(9, TimeSpan.Zero);

        a.Select(d => d.Sha256).Should().Equal(b.Select(d => d.Sha256));
        a.Select(d => d.Sha256).Should().OnlyHaveUniqueItems();
        a.Should().OnlyContain(d => d.Content.Length >= 10 * 1024 && d.Content.Length <= 300 * 1024 && d.Content.Length % 4096 != 0);
        a[0].FileName.Should().Be("doc-01.bin");
        a[0].Url.Should().Be(new Uri(first.BaseAddress, "docs/doc-01.bin"));
    }

    [Test]
    public void Holds_each_request_for_its_delay_and_counts_the_most_in_flight()
    {
        using var server = new DocumentServer();
        // Long enough that all five connect before the first is answered, even on a machine under heavy load.
        var documents = server.AddDocuments(5, TimeSpan.FromSeconds(1));
        using var client = NewClient();

        var clock = Stopwatch.StartNew();
        var downloads = documents.Select(d => client.GetByteArrayAsync(d.Url)).ToArray();
        Task.WaitAll(downloads, s_limit).Should().BeTrue();

        clock.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(990));
        server.MaxInFlight.Should().Be(5);
        server.InFlight.Should().Be(0);
        server.Connections.Should().Be(5, "five requests at once need five HTTP/1.1 connections");
        downloads.Select(d => d.Result.Length).Should().Equal(documents.Select(d => d.Content.Length));
    }

    [Test]
    public void Answers_404_for_a_missing_document_and_keeps_the_connection()
    {
        using var server = new DocumentServer();
        var missing = server.Add("docs/missing.bin", 100, seed: 1, fault: DocumentFault.NotFound);
        var present = server.Add("docs/present.bin", 100, seed: 2);
        using var client = NewClient();

        client.GetAsync(missing.Url).Result.StatusCode.Should().Be(HttpStatusCode.NotFound);
        client.GetAsync(new Uri(server.BaseAddress, "nothing/here.bin")).Result.StatusCode.Should().Be(HttpStatusCode.NotFound);
        client.GetByteArrayAsync(present.Url).Result.Should().Equal(present.Content);

        server.Connections.Should().Be(1);
        server.RequestLog.Select(r => r.Outcome).Should().Equal(RequestOutcome.NotFound, RequestOutcome.NotFound, RequestOutcome.Completed);
    }

    [Test]
    public void Ignores_the_query_string()
    {
        using var server = new DocumentServer();
        var document = server.Add("docs/a.bin", 1000, seed: 3);
        using var client = NewClient();

        client.GetByteArrayAsync(new Uri(document.Url + "?v=2")).Result.Should().Equal(document.Content);
    }

    [Test]
    public void Resets_the_connection_after_the_headers_and_part_of_the_body()
    {
        using var server = new DocumentServer();
        var document = server.Add("docs/broken.bin", 100_000, seed: 4, fault: DocumentFault.ResetMidBody);
        using var client = NewClient();

        using var response = client.Send(new HttpRequestMessage(HttpMethod.Get, document.Url), HttpCompletionOption.ResponseHeadersRead);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentLength.Should().Be(100_000);
        using var body = response.Content.ReadAsStream();
        var buffer = new byte[1024];
        var received = 0;
        var read = () =>
        {
            int n;
            while ((n = body.Read(buffer)) > 0)
            {
                received += n;
            }
        };

        read.Should().Throw<IOException>();
        received.Should().BeGreaterThan(0, "the client gets part of the body before the reset").And.BeLessThan(100_000);
        server.WaitUntil(s => s.InFlight == 0, s_limit).Should().BeTrue();
        server.RequestLog.Single().Outcome.Should().Be(RequestOutcome.Reset);
    }

    [Test]
    public void Sees_a_client_that_gives_up_on_a_stalled_request_at_once()
    {
        using var server = new DocumentServer();
        var document = server.Add("docs/stalled.bin", 1000, seed: 5, fault: DocumentFault.Stall);
        using var client = NewClient();
        using var cancel = new CancellationTokenSource();

        var download = client.GetByteArrayAsync(document.Url, cancel.Token);
        server.WaitUntil(s => s.InFlight == 1, s_limit).Should().BeTrue();
        var clock = Stopwatch.StartNew();
        cancel.Cancel();

        server.WaitUntil(s => s.InFlight == 0, s_limit).Should().BeTrue();
        // At once, next to the stall's 60 s: the bound only leaves room for a busy machine.
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10));
        server.RequestLog.Single().Outcome.Should().Be(RequestOutcome.Aborted);
        download.Invoking(d => d.Wait(s_limit)).Should().Throw<AggregateException>().WithInnerException<OperationCanceledException>();
    }

    [Test]
    public void Dispose_ends_stalled_requests_and_closes_every_connection()
    {
        var server = new DocumentServer();
        var document = server.Add("docs/stalled.bin", 1000, seed: 6, fault: DocumentFault.Stall);
        using var client = NewClient();

        var download = client.GetByteArrayAsync(document.Url);
        server.WaitUntil(s => s.InFlight == 1, s_limit).Should().BeTrue();
        var clock = Stopwatch.StartNew();
        server.Dispose();

        download.Invoking(d => d.Wait(s_limit)).Should().Throw<AggregateException>().WithInnerException<HttpRequestException>();
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), "the stall would hold it 60 s");
        server.OpenConnections.Should().Be(0);
        server.RequestLog.Single().Outcome.Should().Be(RequestOutcome.ServerStopped);
    }

    [Test]
    public void A_stall_is_bounded_by_its_limit()
    {
        using var server = new DocumentServer { StallLimit = TimeSpan.FromMilliseconds(300) };
        var document = server.Add("docs/stalled.bin", 1000, seed: 7, fault: DocumentFault.Stall);
        using var client = NewClient();

        var download = client.GetByteArrayAsync(document.Url);

        download.Invoking(d => d.Wait(s_limit)).Should().Throw<AggregateException>().WithInnerException<HttpRequestException>();
        server.WaitUntil(s => s.InFlight == 0, s_limit).Should().BeTrue();
    }

    [Test]
    public void Gathers_requests_until_enough_are_in_flight_or_none_comes_for_a_while()
    {
        using var server = new DocumentServer { GatherInFlight = 3, GatherQuiet = TimeSpan.FromSeconds(1) };
        var documents = server.AddDocuments(3, TimeSpan.Zero);
        using var client = NewClient();

        var clock = Stopwatch.StartNew();
        client.GetByteArrayAsync(documents[0].Url).Wait(s_limit).Should().BeTrue();
        clock.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(990), "a request alone waits the quiet period");
        server.GatheredAt.Should().BeNull();

        var downloads = documents.Select(d => client.GetByteArrayAsync(d.Url)).ToArray();
        Task.WaitAll(downloads, s_limit).Should().BeTrue();
        server.MaxInFlight.Should().Be(3);
        server.GatheredAt.Should().NotBeNull();
        downloads.Select(d => d.Result.Length).Should().Equal(documents.Select(d => d.Content.Length));
    }
}
