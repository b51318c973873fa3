namespace Katas.Graders.MultiThreadLoader;

/// <summary>A request the loaders sent through the grader's HttpClient, and the thread that sent it.</summary>
/// <param name="Path">The request's path (without the query string).</param>
/// <param name="ThreadId">The managed id of the thread that called Send or SendAsync (GetAsync, GetStreamAsync, ...).</param>
/// <param name="OnPoolThread">Whether that thread was a thread-pool thread (Task.Run, Parallel.ForEach).</param>
/// <param name="Thread">The thread itself: two threads never share it, even when a new thread reuses a finished one's id.</param>
internal sealed record SentRequest(string Path, int ThreadId, bool OnPoolThread, Thread Thread);

/// <summary>
/// The handler under the HttpClient the loaders are given: notes which thread sends each request. HttpClient calls
/// its handler on the calling thread (Send, and SendAsync up to its first await), so the thread noted is the one that
/// asked for the document: a loader's own thread, or one it should not have used.
/// </summary>
internal sealed class SenderWitness(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private readonly object _gate = new();
    private readonly List<SentRequest> _sent = [];

    public IReadOnlyList<SentRequest> Sent
    {
        get
        {
            lock (_gate)
            {
                return [.. _sent];
            }
        }
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Note(request);
        return base.Send(request, cancellationToken);
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Note(request);
        return base.SendAsync(request, cancellationToken);
    }

    private void Note(HttpRequestMessage request)
    {
        var thread = Thread.CurrentThread;
        var sent = new SentRequest(request.RequestUri?.AbsolutePath ?? "", Environment.CurrentManagedThreadId, thread.IsThreadPoolThread, thread);
        lock (_gate)
        {
            _sent.Add(sent);
        }
    }
}
