using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Katas.Grading;

/// <summary>
/// A real HTTP/1.1 server on 127.0.0.1 (a port the OS chooses) for graders of download katas: it serves
/// generated binary documents, holds each request for a configurable delay, and counts what a grader needs to
/// judge concurrency from the outside: requests, TCP connections, requests in flight and the most in flight at
/// once. It can answer 404, reset a connection mid-body and stall. Everything it does is bounded in time;
/// <see cref="Dispose"/> closes every connection and stops it.
/// </summary>
/// <remarks>
/// A raw TcpListener rather than HttpListener or Kestrel: it gives exact control of resets and of when a
/// response starts, and it notices a client that goes away while a request is held (a pending read returns),
/// which is how a grader sees that a canceled download really stopped. Keep-alive is supported, so one
/// HttpClient reuses its connections and the connection count tells one client from many.
/// </remarks>
public sealed partial class DocumentServer : IDisposable
{
    private const int MaxHeaderBytes = 16 * 1024;
    private const int WriteChunk = 16 * 1024;

    private readonly object _gate = new();
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<string, ServedDocument> _documents = new(StringComparer.Ordinal);
    private readonly Dictionary<int, Socket> _openSockets = [];
    private readonly List<Task> _connectionTasks = [];
    private readonly List<ServedRequest> _requests = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Task _acceptLoop;
    private int _connections;
    private TimeSpan _lastArrival;
    private TimeSpan? _gatheredAt;
    private int _inFlight;
    private int _maxInFlight;
    private bool _disposed;

    public DocumentServer()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        // A backlog large enough for a benchmark's hundred simultaneous connects.
        _listener.Start(backlog: 512);
        var port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>http://127.0.0.1:PORT/</summary>
    public Uri BaseAddress { get; }

    /// <summary>Longest a stalled request is held (unless the client goes away or the server stops first).</summary>
    public TimeSpan StallLimit { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long an idle keep-alive connection, or a client that sends nothing, is kept open.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest the server waits for one write to the client before it gives up on the connection.</summary>
    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// When above 0, every request waits (before its delay) until this many are in flight at once, or until no new
    /// request has arrived for <see cref="GatherQuiet"/>. Proves "all at the same time" without trusting timing: on a
    /// loaded machine, threads that start a moment apart still all get counted, instead of the first being answered
    /// before the last has connected; a client that sends one request at a time waits a quiet period for each.
    /// </summary>
    public int GatherInFlight { get; init; }

    /// <summary>See <see cref="GatherInFlight"/>.</summary>
    public TimeSpan GatherQuiet { get; init; } = TimeSpan.FromSeconds(1.5);

    /// <summary>When (on <see cref="Now"/>'s clock) <see cref="GatherInFlight"/> requests were first in flight at once; null if never.</summary>
    public TimeSpan? GatheredAt => Locked(() => _gatheredAt);

    /// <summary>Time since the server started: the clock of <see cref="RequestLog"/> and <see cref="GatheredAt"/>.</summary>
    public TimeSpan Now => _clock.Elapsed;

    /// <summary>TCP connections accepted so far.</summary>
    public int Connections => Locked(() => _connections);

    /// <summary>Requests received so far (every request line with its headers read).</summary>
    public int Requests => Locked(() => _requests.Count);

    /// <summary>Requests being served right now: received, response not yet complete.</summary>
    public int InFlight => Locked(() => _inFlight);

    /// <summary>The most requests that were in flight at the same moment.</summary>
    public int MaxInFlight => Locked(() => _maxInFlight);

    /// <summary>Connections open right now.</summary>
    public int OpenConnections => Locked(() => _openSockets.Count);

    /// <summary>Every request so far, in the order they arrived.</summary>
    public IReadOnlyList<ServedRequest> RequestLog => Locked(() => _requests.ToList());

    /// <summary>Serves <paramref name="content"/> at <paramref name="path"/> ("docs/a.bin"); returns the document with its URL.</summary>
    public ServedDocument Add(string path, byte[] content, TimeSpan delay = default, DocumentFault fault = DocumentFault.None)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        path = path.TrimStart('/');
        var document = new ServedDocument("/" + path, new Uri(BaseAddress, path), content, delay, fault);
        lock (_gate)
        {
            _documents["/" + path] = document;
        }

        return document;
    }

    /// <summary>Serves a generated document of <paramref name="size"/> bytes, its bytes determined by <paramref name="seed"/>.</summary>
    public ServedDocument Add(string path, int size, ulong seed, TimeSpan delay = default, DocumentFault fault = DocumentFault.None) =>
        Add(path, ServedDocument.Generate(size, seed), delay, fault);

    /// <summary>
    /// Serves <paramref name="count"/> generated documents, "docs/doc-01.bin" on, of 10-300 KB each (never a multiple
    /// of 4 KB, so that a file written short by a buffer is visible), all with the same delay.
    /// </summary>
    public IReadOnlyList<ServedDocument> AddDocuments(int count, TimeSpan delay, ulong seed = 1, string prefix = "docs/doc-")
    {
        var documents = new List<ServedDocument>(count);
        for (var i = 1; i <= count; i++)
        {
            var size = 10 * 1024 + (int)((seed * 7919UL + (ulong)i * 104_729UL) % (290UL * 1024)) | 1;
            documents.Add(Add($"{prefix}{i:00}.bin", size, seed * 1000 + (ulong)i, delay));
        }

        return documents;
    }

    /// <summary>Waits until <paramref name="condition"/> holds for this server; false if it did not within <paramref name="limit"/>.</summary>
    public bool WaitUntil(Func<DocumentServer, bool> condition, TimeSpan limit)
    {
        var deadline = _clock.Elapsed + limit;
        lock (_gate)
        {
            while (true)
            {
                if (condition(this))
                {
                    return true;
                }

                var left = deadline - _clock.Elapsed;
                if (left <= TimeSpan.Zero)
                {
                    return false;
                }

                // Woken on every change of state; the timeout only bounds conditions that depend on something else.
                Monitor.Wait(_gate, left < TimeSpan.FromMilliseconds(50) ? left : TimeSpan.FromMilliseconds(50));
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _stopping.Cancel();
        _listener.Stop();
        Socket[] open;
        Task[] tasks;
        lock (_gate)
        {
            open = _openSockets.Values.ToArray();
            tasks = _connectionTasks.Append(_acceptLoop).ToArray();
        }

        foreach (var socket in open)
        {
            Close(socket, reset: false);
        }

        // Every connection ends within a moment of its socket closing; the bound is for a machine under load.
        Task.WaitAll(tasks.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)).ToArray(), TimeSpan.FromSeconds(10));
        _stopping.Dispose();
    }

    private T Locked<T>(Func<T> read)
    {
        lock (_gate)
        {
            return read();
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            socket.NoDelay = true;
            lock (_gate)
            {
                if (_disposed)
                {
                    Close(socket, reset: false);
                    return;
                }

                var id = ++_connections;
                _openSockets[id] = socket;
                _connectionTasks.RemoveAll(t => t.IsCompleted);
                _connectionTasks.Add(Task.Run(() => ServeConnectionAsync(id, socket)));
                Monitor.PulseAll(_gate);
            }
        }
    }

    private async Task ServeConnectionAsync(int connection, Socket socket)
    {
        var reader = new ConnectionReader(socket);
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                var request = await reader.ReadRequestHeadAsync(IdleTimeout, _stopping.Token).ConfigureAwait(false);
                if (request is null)
                {
                    return;
                }

                var keepOpen = await ServeRequestAsync(connection, socket, reader, request).ConfigureAwait(false);
                if (!keepOpen)
                {
                    return;
                }
            }
        }
        catch (Exception)
        {
            // A connection that fails ends here; its request (if any) was already recorded.
        }
        finally
        {
            lock (_gate)
            {
                _openSockets.Remove(connection);
                Monitor.PulseAll(_gate);
            }

            Close(socket, reset: false);
        }
    }

    /// <returns>Whether the connection stays open for the next request.</returns>
    private async Task<bool> ServeRequestAsync(int connection, Socket socket, ConnectionReader reader, RequestHead request)
    {
        ServedDocument? document;
        int id;
        lock (_gate)
        {
            _documents.TryGetValue(request.Path, out document);
            id = _requests.Count + 1;
            _requests.Add(new ServedRequest(id, connection, request.Path, _clock.Elapsed, null, RequestOutcome.InFlight));
            _inFlight++;
            _maxInFlight = Math.Max(_maxInFlight, _inFlight);
            _lastArrival = _clock.Elapsed;
            if (GatherInFlight > 0 && _gatheredAt is null && _maxInFlight >= GatherInFlight)
            {
                _gatheredAt = _clock.Elapsed;
            }

            Monitor.PulseAll(_gate);
        }

        var outcome = RequestOutcome.ServerStopped;
        var keepOpen = false;
        try
        {
            if (request.Method != "GET")
            {
                await WriteAsync(socket, Head(405, "Method Not Allowed", 0, close: true)).ConfigureAwait(false);
                outcome = RequestOutcome.NotFound;
                return false;
            }

            await GatherAsync().ConfigureAwait(false);
            var fault = document?.Fault ?? DocumentFault.NotFound;
            var hold = fault == DocumentFault.Stall ? StallLimit : document?.Delay ?? TimeSpan.Zero;
            if (hold > TimeSpan.Zero)
            {
                var clientLeft = await reader.ClientLeavesWithinAsync(hold, _stopping.Token).ConfigureAwait(false);
                if (clientLeft)
                {
                    outcome = RequestOutcome.Aborted;
                    return false;
                }

                if (_stopping.IsCancellationRequested || fault == DocumentFault.Stall)
                {
                    outcome = RequestOutcome.ServerStopped;
                    return false;
                }
            }

            switch (fault)
            {
                case DocumentFault.NotFound:
                    var text = Encoding.UTF8.GetBytes($"Not found: {request.Path}\n");
                    await WriteAsync(socket, Head(404, "Not Found", text.Length, request.Close).Concat(text).ToArray()).ConfigureAwait(false);
                    outcome = RequestOutcome.NotFound;
                    keepOpen = !request.Close;
                    return keepOpen;
                case DocumentFault.ResetMidBody:
                    var content = document!.Content;
                    await WriteAsync(socket, Head(200, "OK", content.Length, close: false)).ConfigureAwait(false);
                    // Part of the body, small enough to be in the client's receive buffer before the reset arrives.
                    var part = Math.Min(content.Length / 2, 32 * 1024);
                    await WriteAsync(socket, content.AsMemory(0, part)).ConfigureAwait(false);
                    // Give the client a moment to read the headers and start on the body: a reset that overtakes them
                    // would look like a refused request, not one that broke mid-body.
                    await Task.Delay(TimeSpan.FromMilliseconds(100), _stopping.Token).ConfigureAwait(false);
                    Close(socket, reset: true);
                    outcome = RequestOutcome.Reset;
                    return false;
                default:
                    var body = document!.Content;
                    await WriteAsync(socket, Head(200, "OK", body.Length, request.Close)).ConfigureAwait(false);
                    for (var offset = 0; offset < body.Length; offset += WriteChunk)
                    {
                        await WriteAsync(socket, body.AsMemory(offset, Math.Min(WriteChunk, body.Length - offset))).ConfigureAwait(false);
                    }

                    outcome = RequestOutcome.Completed;
                    keepOpen = !request.Close;
                    return keepOpen;
            }
        }
        catch (Exception) when (!_stopping.IsCancellationRequested)
        {
            // The client reset or closed the connection while the response was being written.
            outcome = RequestOutcome.Aborted;
            return false;
        }
        finally
        {
            lock (_gate)
            {
                _inFlight--;
                var started = _requests[id - 1];
                _requests[id - 1] = started with { Ended = _clock.Elapsed, Outcome = outcome };
                Monitor.PulseAll(_gate);
            }
        }
    }

    private async Task GatherAsync()
    {
        if (GatherInFlight <= 0)
        {
            return;
        }

        while (true)
        {
            lock (_gate)
            {
                if (_maxInFlight >= GatherInFlight || _clock.Elapsed - _lastArrival >= GatherQuiet)
                {
                    return;
                }
            }

            // Polling is plenty here: a few ms late on a request that is held for hundreds anyway.
            await Task.Delay(TimeSpan.FromMilliseconds(10), _stopping.Token).ConfigureAwait(false);
        }
    }
}
