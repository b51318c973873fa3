// A controlled twin of System.Threading.ManualResetEventSlim, compiled into every kata's graded assembly with the other
// twins (see Lock.cs and graders/Kata.Code.targets). Coyote 1.7.11 does not model the runtime's type (its waits spin
// and block outside Coyote's scheduler: correct code is reported as "Potential deadlock or hang"); this one waits with
// Monitor.Wait/PulseAll on a private object, which `coyote rewrite` controls.
// Every public member of the runtime's type is here and does what the runtime's does, call by call, exceptions and
// their order included (graders/Katas.Grading.Tests/TwinEventTests.cs). Under Coyote a wait with a time-out never
// times out (Coyote does not model time), as with SemaphoreSlim.Wait(timeout): a check whose scenario relies on a
// time-out passing says so (ConcurrencyCheck.DeadlockInconclusiveBecause).
namespace System.Threading;

/// <summary>Stands in for System.Threading.ManualResetEventSlim in graded code (see the comment at the top of the file).</summary>
public class ManualResetEventSlim : IDisposable
{
    // The runtime's default spin count before a wait blocks (SpinWait.SpinCountforSpinBeforeWait), and its maximum.
    private const int DefaultSpinCount = 35;
    private const int MaxSpinCount = 2047;

    private readonly object _gate = new();
    private volatile bool _isSet;
    private volatile bool _disposed;
    private ManualResetEvent? _handle;

    public ManualResetEventSlim()
        : this(false)
    {
    }

    public ManualResetEventSlim(bool initialState)
    {
        _isSet = initialState;
        SpinCount = Environment.ProcessorCount == 1 ? 1 : DefaultSpinCount;
    }

    public ManualResetEventSlim(bool initialState, int spinCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(spinCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(spinCount, MaxSpinCount);
        _isSet = initialState;
        SpinCount = Environment.ProcessorCount == 1 ? 1 : spinCount;
    }

    /// <summary>Whether the event is set.</summary>
    public bool IsSet => _isSet;

    /// <summary>How many times a wait would spin before blocking (the twin blocks at once; kept for the API).</summary>
    public int SpinCount { get; }

    /// <summary>A kernel event that mirrors this one, made on first use.</summary>
    public WaitHandle WaitHandle
    {
        get
        {
            ThrowIfDisposed();
            lock (_gate)
            {
                return _handle ??= new ManualResetEvent(_isSet);
            }
        }
    }

    /// <summary>Sets the event: every waiting thread goes on, and waits return at once until <see cref="Reset"/>.</summary>
    public void Set()
    {
        lock (_gate)
        {
            _isSet = true;
            _handle?.Set();
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Unsets the event: waits block again.</summary>
    public void Reset()
    {
        ThrowIfDisposed();
        lock (_gate)
        {
            _handle?.Reset();
            _isSet = false;
        }
    }

    public void Wait() => Wait(Timeout.Infinite, CancellationToken.None);

    public void Wait(CancellationToken cancellationToken) => Wait(Timeout.Infinite, cancellationToken);

    public bool Wait(TimeSpan timeout) => Wait(TwinWaits.Milliseconds(timeout), CancellationToken.None);

    public bool Wait(TimeSpan timeout, CancellationToken cancellationToken) => Wait(TwinWaits.Milliseconds(timeout), cancellationToken);

    public bool Wait(int millisecondsTimeout) => Wait(millisecondsTimeout, CancellationToken.None);

    /// <summary>Waits until the event is set (true), the time-out passes (false) or the token is canceled (throws).</summary>
    public bool Wait(int millisecondsTimeout, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        cancellationToken.ThrowIfCancellationRequested();
        TwinWaits.Validate(millisecondsTimeout);
        if (_isSet)
        {
            return true;
        }

        if (millisecondsTimeout == 0)
        {
            return false;
        }

        using var registration = TwinWaits.WakeOn(cancellationToken, _gate);
        var deadline = TwinWaits.Deadline(millisecondsTimeout);
        lock (_gate)
        {
            while (!_isSet)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!TwinWaits.Wait(_gate, deadline))
                {
                    return false;
                }
            }

            return true;
        }
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (disposing)
        {
            lock (_gate)
            {
                _handle?.Dispose();
                _handle = null;
            }
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
