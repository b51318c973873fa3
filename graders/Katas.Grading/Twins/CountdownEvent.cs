// A controlled twin of System.Threading.CountdownEvent, compiled into every kata's graded assembly with the other twins
// (see Lock.cs and graders/Kata.Code.targets). Coyote 1.7.11 does not model the runtime's type (it waits on a
// ManualResetEventSlim that spins and blocks outside Coyote's scheduler); this one counts under a lock and waits on the
// ManualResetEventSlim twin, both of which `coyote rewrite` controls.
// Every public member of the runtime's type is here and does what the runtime's does, call by call, exceptions and
// their order included (graders/Katas.Grading.Tests/TwinEventTests.cs).
namespace System.Threading;

/// <summary>Stands in for System.Threading.CountdownEvent in graded code (see the comment at the top of the file).</summary>
public class CountdownEvent : IDisposable
{
    private readonly object _gate = new();
    private readonly ManualResetEventSlim _event = new();
    private volatile int _initialCount;
    private volatile int _currentCount;
    private volatile bool _disposed;

    public CountdownEvent(int initialCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(initialCount);
        _initialCount = initialCount;
        _currentCount = initialCount;
        if (initialCount == 0)
        {
            _event.Set();
        }
    }

    /// <summary>Signals still needed before the event is set.</summary>
    public int CurrentCount => Math.Max(0, _currentCount);

    /// <summary>The count the event started with, or was last reset to.</summary>
    public int InitialCount => _initialCount;

    /// <summary>Whether the count has reached zero.</summary>
    public bool IsSet => _currentCount <= 0;

    public WaitHandle WaitHandle
    {
        get
        {
            ThrowIfDisposed();
            return _event.WaitHandle;
        }
    }

    /// <summary>One signal; true if it brought the count to zero.</summary>
    public bool Signal()
    {
        ThrowIfDisposed();
        lock (_gate)
        {
            if (_currentCount <= 0)
            {
                throw new InvalidOperationException("Invalid attempt made to decrement the event's count below zero.");
            }

            if (--_currentCount > 0)
            {
                return false;
            }
        }

        _event.Set();
        return true;
    }

    /// <summary><paramref name="signalCount"/> signals at once; true if they brought the count to zero.</summary>
    public bool Signal(int signalCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(signalCount);
        ThrowIfDisposed();
        lock (_gate)
        {
            if (_currentCount < signalCount)
            {
                throw new InvalidOperationException("Invalid attempt made to decrement the event's count below zero.");
            }

            _currentCount -= signalCount;
            if (_currentCount > 0)
            {
                return false;
            }
        }

        _event.Set();
        return true;
    }

    public void AddCount() => AddCount(1);

    public void AddCount(int signalCount)
    {
        if (!TryAddCount(signalCount))
        {
            throw new InvalidOperationException("The event is already signaled and cannot be incremented.");
        }
    }

    public bool TryAddCount() => TryAddCount(1);

    /// <summary>Raises the count unless the event is already set (false then).</summary>
    public bool TryAddCount(int signalCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(signalCount);
        ThrowIfDisposed();
        lock (_gate)
        {
            if (_currentCount <= 0)
            {
                return false;
            }

            if (_currentCount > int.MaxValue - signalCount)
            {
                throw new InvalidOperationException("The increment operation would cause the CurrentCount to overflow.");
            }

            _currentCount += signalCount;
            return true;
        }
    }

    public void Reset() => Reset(_initialCount);

    /// <summary>Starts over from <paramref name="count"/>, which becomes the <see cref="InitialCount"/>.</summary>
    public void Reset(int count)
    {
        ThrowIfDisposed();
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_gate)
        {
            _currentCount = count;
            _initialCount = count;
            if (count == 0)
            {
                _event.Set();
            }
            else
            {
                _event.Reset();
            }
        }
    }

    public void Wait() => Wait(Timeout.Infinite, CancellationToken.None);

    public void Wait(CancellationToken cancellationToken) => Wait(Timeout.Infinite, cancellationToken);

    public bool Wait(TimeSpan timeout) => Wait(TwinWaits.Milliseconds(timeout), CancellationToken.None);

    public bool Wait(TimeSpan timeout, CancellationToken cancellationToken) => Wait(TwinWaits.Milliseconds(timeout), cancellationToken);

    public bool Wait(int millisecondsTimeout) => Wait(millisecondsTimeout, CancellationToken.None);

    /// <summary>Waits until the count reaches zero (true), the time-out passes (false) or the token is canceled (throws).</summary>
    public bool Wait(int millisecondsTimeout, CancellationToken cancellationToken)
    {
        TwinWaits.Validate(millisecondsTimeout);
        ThrowIfDisposed();
        cancellationToken.ThrowIfCancellationRequested();
        return IsSet || _event.Wait(millisecondsTimeout, cancellationToken);
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _event.Dispose();
            _disposed = true;
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
