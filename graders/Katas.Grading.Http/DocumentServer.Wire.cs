using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Katas.Grading;

/// <summary>The HTTP/1.1 wire: request heads read from a connection, responses written, connections closed or reset.</summary>
public sealed partial class DocumentServer
{
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
