namespace Katas.Graders.ExecutorDownloads;

/// <summary>
/// The grader's hand on the requests: the handler of the HttpClient the Downloader is given. Every request the student's
/// code sends through that client passes here, where it is counted and, if the grader says so, held (before it reaches
/// the server) until the grader lets it go. Holding is what makes the checks clock-free: "a slow download" is a request
/// the grader has not released yet, so which download finishes first is the grader's choice, not the machine's.
/// </summary>
/// <remarks>
/// A request is in flight from the moment the student's code sends it until its response comes back (or it is canceled
/// or fails). That is never longer than the download as the student's code sees it (which also reads the body), so
/// "more than maxConcurrency in flight here" is always a real breach of the limit, on any machine. A held request waits
/// on the request's own token: code that cancels its downloads ends it at once, code that does not leaves it held.
/// </remarks>
internal sealed class RequestGate(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private readonly object _gate = new();
    private readonly List<Sent> _sent = [];
    private readonly List<(Uri Url, bool Started)> _changes = [];
    private readonly HashSet<Uri> _held = [];
    private readonly HashSet<Uri> _released = [];
    private bool _holdEverything;
    private bool _delayStops;

    /// <summary>How a request sent through the gate ended, so far.</summary>
    public enum State
    {
        /// <summary>Waiting for the grader to let it go.</summary>
        Held,

        /// <summary>Let go (or never held): on its way to the server, or waiting for its response.</summary>
        Sending,

        /// <summary>Its response came back (whatever its status).</summary>
        Answered,

        /// <summary>Canceled, and still stopping: the grader keeps it in flight until <see cref="FinishStops"/>.</summary>
        Stopping,

        /// <summary>Canceled by the student's code (or by the HttpClient being disposed).</summary>
        Canceled,

        /// <summary>Failed before a response came (the server went away).</summary>
        Failed,
    }

    /// <summary>Requests sent through the gate so far.</summary>
    public int Requests => Locked(() => _sent.Count);

    /// <summary>Requests the gate passed on to the server so far.</summary>
    public int Forwarded => Locked(() => _sent.Count(s => s.Forwarded));

    /// <summary>Requests in flight right now (held, sending, or canceled and still stopping).</summary>
    public int InFlight => Locked(() => _sent.Count(s => s.IsInFlight));

    /// <summary>Requests canceled and still stopping right now (see <see cref="DelayStops"/>).</summary>
    public int Stopping => Locked(() => _sent.Count(s => s.State == State.Stopping));

    /// <summary>The URLs of the requests held right now, in the order they were sent.</summary>
    public IReadOnlyList<Uri> HeldNow => Locked(() => _sent.Where(s => s.State == State.Held).Select(s => s.Url).ToList());

    /// <summary>The URLs of the requests in flight right now, in the order they were sent.</summary>
    public IReadOnlyList<Uri> InFlightNow =>
        Locked(() => _sent.Where(s => s.IsInFlight).Select(s => s.Url).ToList());

    /// <summary>The URLs of the requests answered so far, in the order their responses came.</summary>
    public IReadOnlyList<Uri> Answered => Locked(() => _sent.Where(s => s.State == State.Answered).OrderBy(s => s.EndedAt).Select(s => s.Url).ToList());

    /// <summary>Every URL requested so far, in the order the requests were sent (a URL twice if it was requested twice).</summary>
    public IReadOnlyList<Uri> RequestedUrls => Locked(() => _sent.Select(s => s.Url).ToList());

    /// <summary>How the requests for <paramref name="url"/> ended so far.</summary>
    public IReadOnlyList<State> StatesOf(Uri url) => Locked(() => _sent.Where(s => s.Url == url).Select(s => s.State).ToList());

    /// <summary>The most requests for <paramref name="urls"/> (all of them if null) that were in flight at the same moment.</summary>
    public int MostInFlight(IEnumerable<Uri>? urls = null)
    {
        var set = urls?.ToHashSet();
        return Locked(() =>
        {
            int now = 0, most = 0;
            foreach (var (url, started) in _changes)
            {
                if (set is null || set.Contains(url))
                {
                    now += started ? 1 : -1;
                    most = Math.Max(most, now);
                }
            }

            return most;
        });
    }

    /// <summary>The requests for <paramref name="urls"/> (all if null) in flight right now.</summary>
    public int InFlightOf(IEnumerable<Uri> urls)
    {
        var set = urls.ToHashSet();
        return Locked(() => _sent.Count(s => s.IsInFlight && set.Contains(s.Url)));
    }

    /// <summary>
    /// From now on, a canceled request takes its time to stop, as a real one closing its connection can: it stays in
    /// flight until <see cref="FinishStops"/>. Code that waits for its canceled downloads waits for that too.
    /// </summary>
    public void DelayStops() => Locked(() => _delayStops = true);

    /// <summary>Lets every canceled request that is still stopping end, now and from now on.</summary>
    public void FinishStops()
    {
        List<Sent> stopping;
        lock (_gate)
        {
            _delayStops = false;
            stopping = _sent.Where(s => s.State == State.Stopping).ToList();
        }

        foreach (var sent in stopping)
        {
            sent.Stopped.TrySetResult();
        }
    }

    /// <summary>From now on, every request waits until it is released.</summary>
    public void HoldEverything() => Locked(() => _holdEverything = true);

    /// <summary>From now on, requests for these URLs wait until they are released.</summary>
    public void Hold(IEnumerable<Uri> urls) => Locked(() =>
    {
        _held.UnionWith(urls);
        return true;
    });

    /// <summary>Lets the requests for <paramref name="url"/> go, now and from now on.</summary>
    public void Release(Uri url) => Release(held => held.Url == url, () =>
    {
        _released.Add(url);
        _held.Remove(url);
    });

    /// <summary>Lets every request go, now and from now on.</summary>
    public void ReleaseEverything() => Release(_ => true, () =>
    {
        _holdEverything = false;
        _held.Clear();
    });

    /// <summary>Waits until <paramref name="condition"/> holds; false if it did not within <paramref name="limit"/>.</summary>
    public bool WaitUntil(Func<RequestGate, bool> condition, TimeSpan limit)
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

                // Woken on every change; the timeout only bounds conditions that depend on something else (the consumer).
                Monitor.Wait(_gate, left < TimeSpan.FromMilliseconds(20) ? left : TimeSpan.FromMilliseconds(20));
            }

            return true;
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var sent = Begin(request);
        var ended = State.Failed;
        try
        {
            await sent.LetGo.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            Forward(sent);
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            ended = State.Answered;
            return response;
        }
        catch (OperationCanceledException)
        {
            ended = State.Canceled;
            if (StopsSlowly(sent))
            {
                await sent.Stopped.Task.ConfigureAwait(false);
            }

            throw;
        }
        finally
        {
            End(sent, ended);
        }
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var sent = Begin(request);
        var ended = State.Failed;
        try
        {
            sent.LetGo.Task.Wait(cancellationToken);
            Forward(sent);
            var response = base.Send(request, cancellationToken);
            ended = State.Answered;
            return response;
        }
        catch (OperationCanceledException)
        {
            ended = State.Canceled;
            if (StopsSlowly(sent))
            {
                sent.Stopped.Task.Wait();
            }

            throw;
        }
        finally
        {
            End(sent, ended);
        }
    }

    protected override void Dispose(bool disposing)
    {
        // Nothing the student's code left held may wait for a grader that has moved on.
        ReleaseEverything();
        FinishStops();
        base.Dispose(disposing);
    }

    private Sent Begin(HttpRequestMessage request)
    {
        var url = request.RequestUri ?? new Uri("http://unknown/");
        var sent = new Sent(url);
        lock (_gate)
        {
            var hold = (_holdEverything || _held.Contains(url)) && !_released.Contains(url);
            sent.State = hold ? State.Held : State.Sending;
            if (!hold)
            {
                sent.LetGo.TrySetResult();
            }

            _sent.Add(sent);
            _changes.Add((url, true));
            Monitor.PulseAll(_gate);
        }

        return sent;
    }

    private bool StopsSlowly(Sent sent)
    {
        lock (_gate)
        {
            if (!_delayStops)
            {
                return false;
            }

            sent.State = State.Stopping;
            Monitor.PulseAll(_gate);
            return true;
        }
    }

    private void Forward(Sent sent)
    {
        lock (_gate)
        {
            sent.Forwarded = true;
            sent.State = State.Sending;
            Monitor.PulseAll(_gate);
        }
    }

    private void End(Sent sent, State state)
    {
        lock (_gate)
        {
            sent.State = state;
            sent.EndedAt = _changes.Count;
            _changes.Add((sent.Url, false));
            Monitor.PulseAll(_gate);
        }
    }

    private void Release(Func<Sent, bool> which, Action fromNowOn)
    {
        List<Sent> released;
        lock (_gate)
        {
            fromNowOn();
            released = _sent.Where(s => s.State == State.Held && which(s)).ToList();
            // Let go from this moment on, although the request goes on only when its continuation runs: a grader that looks
            // again at once must not see it held still.
            foreach (var sent in released)
            {
                sent.State = State.Sending;
            }

            Monitor.PulseAll(_gate);
        }

        // Outside the lock: a released request continues on this thread up to its first wait.
        foreach (var sent in released)
        {
            sent.LetGo.TrySetResult();
        }
    }

    private T Locked<T>(Func<T> read)
    {
        lock (_gate)
        {
            return read();
        }
    }

    private sealed class Sent(Uri url)
    {
        public Uri Url { get; } = url;

        public TaskCompletionSource LetGo { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Stopped { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public State State { get; set; }

        /// <summary>Held, sending, or canceled and still stopping: not ended yet, as the student's code sees it.</summary>
        public bool IsInFlight => State is State.Held or State.Sending or State.Stopping;

        public bool Forwarded { get; set; }

        public int EndedAt { get; set; }
    }
}
