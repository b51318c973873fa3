using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Katas.Grading;

/// <summary>What the server does with a request for a document, besides holding it for its delay.</summary>
public enum DocumentFault
{
    /// <summary>Sends the document: 200 with every byte.</summary>
    None,

    /// <summary>Answers 404 Not Found (a short text body), as if the document were not there.</summary>
    NotFound,

    /// <summary>Sends the headers and part of the body, then resets the connection (TCP RST).</summary>
    ResetMidBody,

    /// <summary>Sends nothing and holds the request until the client goes away or the server stops (or <see cref="DocumentServer.StallLimit"/>).</summary>
    Stall,
}

/// <summary>How a request ended, as the server saw it.</summary>
public enum RequestOutcome
{
    /// <summary>Still being served.</summary>
    InFlight,

    /// <summary>The whole response was sent (200).</summary>
    Completed,

    /// <summary>404 was sent.</summary>
    NotFound,

    /// <summary>The server reset the connection mid-body, as the document's fault asked.</summary>
    Reset,

    /// <summary>The client went away (closed or reset the connection) before the response was complete.</summary>
    Aborted,

    /// <summary>The server stopped (or gave up on a stall) while serving it.</summary>
    ServerStopped,
}

/// <summary>A document the server serves: its path, its exact bytes and what the server does when asked for it.</summary>
public sealed record ServedDocument(string Path, Uri Url, byte[] Content, TimeSpan Delay, DocumentFault Fault)
{
    /// <summary>The last segment of the path: the file name a downloader should save it under.</summary>
    public string FileName => Path[(Path.LastIndexOf('/') + 1)..];

    public string Sha256 => Convert.ToHexString(SHA256.HashData(Content));

    /// <summary>Deterministic bytes for a seed (SplitMix64): the same document on every machine and every run.</summary>
    public static byte[] Generate(int size, ulong seed)
    {
        var bytes = new byte[size];
        var state = seed;
        for (var i = 0; i < size; i += 8)
        {
            state += 0x9E3779B97F4A7C15UL;
            var z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            for (var b = 0; b < 8 && i + b < size; b++)
            {
                bytes[i + b] = (byte)(z >> (8 * b));
            }
        }

        return bytes;
    }
}

/// <summary>One request as the server saw it. Times are from the server's start.</summary>
public sealed record ServedRequest(int Id, int Connection, string Path, TimeSpan Started, TimeSpan? Ended, RequestOutcome Outcome);

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
public sealed class DocumentServer : IDisposable
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

    private async Task WriteAsync(Socket socket, ReadOnlyMemory<byte> bytes)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        timeout.CancelAfter(WriteTimeout);
        while (!bytes.IsEmpty)
        {
            var sent = await socket.SendAsync(bytes, SocketFlags.None, timeout.Token).ConfigureAwait(false);
            bytes = bytes[sent..];
        }
    }

    private static byte[] Head(int status, string reason, long length, bool close) => Encoding.ASCII.GetBytes(
        $"HTTP/1.1 {status} {reason}\r\n" +
        $"Content-Length: {length}\r\n" +
        $"Content-Type: {(status == 200 ? "application/octet-stream" : "text/plain; charset=utf-8")}\r\n" +
        $"Connection: {(close ? "close" : "keep-alive")}\r\n" +
        "\r\n");

    private static void Close(Socket socket, bool reset)
    {
        try
        {
            if (reset)
            {
                // Linger on with a zero timeout: close sends RST instead of FIN, the client sees "connection reset".
                socket.LingerState = new LingerOption(true, 0);
            }

            socket.Close();
        }
        catch (Exception)
        {
            // Already closed.
        }
    }

    private sealed record RequestHead(string Method, string Path, bool Close);

    /// <summary>
    /// Reads requests from one connection, and watches it while a request is held: the one read in progress
    /// serves both, so bytes of a next request are never lost and a client that leaves is noticed at once.
    /// </summary>
    private sealed class ConnectionReader(Socket socket)
    {
        private readonly byte[] _buffer = new byte[MaxHeaderBytes];
        private int _filled;
        private Task<int>? _pending;
        private bool _ended;

        public async Task<RequestHead?> ReadRequestHeadAsync(TimeSpan idle, CancellationToken stopping)
        {
            var deadline = Stopwatch.GetTimestamp() + (long)(idle.TotalSeconds * Stopwatch.Frequency);
            while (true)
            {
                var end = IndexOfHeadEnd();
                if (end >= 0)
                {
                    var head = Encoding.ASCII.GetString(_buffer, 0, end);
                    var consumed = end + 4;
                    Buffer.BlockCopy(_buffer, consumed, _buffer, 0, _filled - consumed);
                    _filled -= consumed;
                    return Parse(head);
                }

                if (_ended || _filled == _buffer.Length)
                {
                    return null;
                }

                var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
                if (Stopwatch.GetTimestamp() >= deadline || !await ReadMoreAsync(left, stopping).ConfigureAwait(false))
                {
                    return null;
                }
            }
        }

        /// <summary>Holds for <paramref name="hold"/>; true as soon as the client closes or resets the connection.</summary>
        public async Task<bool> ClientLeavesWithinAsync(TimeSpan hold, CancellationToken stopping)
        {
            using var held = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            var delay = Task.Delay(hold, held.Token);
            while (true)
            {
                if (_ended)
                {
                    return true;
                }

                _pending ??= StartRead();
                var first = await Task.WhenAny(delay, _pending).ConfigureAwait(false);
                if (first == delay)
                {
                    return false;
                }

                // The read finished: the client left (0 bytes or an error), or sent more bytes, which are kept.
                await TakePendingAsync().ConfigureAwait(false);
                if (_ended)
                {
                    held.Cancel();
                    return true;
                }
            }
        }

        private async Task<bool> ReadMoreAsync(TimeSpan limit, CancellationToken stopping)
        {
            _pending ??= StartRead();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            var delay = Task.Delay(limit, timeout.Token);
            if (await Task.WhenAny(delay, _pending).ConfigureAwait(false) == delay)
            {
                return false;
            }

            timeout.Cancel();
            await TakePendingAsync().ConfigureAwait(false);
            return !_ended;
        }

        private Task<int> StartRead() => socket.ReceiveAsync(_buffer.AsMemory(_filled), SocketFlags.None).AsTask();

        private async Task TakePendingAsync()
        {
            try
            {
                var read = await _pending!.ConfigureAwait(false);
                _filled += read;
                _ended |= read == 0;
            }
            catch (Exception)
            {
                _ended = true;
            }
            finally
            {
                _pending = null;
            }
        }

        private int IndexOfHeadEnd() => _buffer.AsSpan(0, _filled).IndexOf("\r\n\r\n"u8);

        private static RequestHead? Parse(string head)
        {
            var lines = head.Split("\r\n");
            var parts = lines[0].Split(' ');
            if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
            {
                return null;
            }

            var target = parts[1];
            var query = target.IndexOf('?', StringComparison.Ordinal);
            var path = Uri.UnescapeDataString(query >= 0 ? target[..query] : target);
            var close = parts[2] == "HTTP/1.0" || lines.Skip(1).Any(line =>
                line.StartsWith("Connection:", StringComparison.OrdinalIgnoreCase) &&
                line.Contains("close", StringComparison.OrdinalIgnoreCase));
            return new RequestHead(parts[0], path, close);
        }
    }
}
