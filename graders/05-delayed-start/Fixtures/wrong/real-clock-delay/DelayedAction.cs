namespace Katas.DelayedStart;

// Known wrong: waits with Task.Delay(Delay) on the real clock instead of a timer from the
// injected TimeProvider. It works in production, but nothing can test it without waiting for real.

/// <summary>
/// Python's <c>threading.Timer(interval, function)</c> in C#: runs <c>action</c> once, <c>delay</c>
/// after <see cref="Start"/>, unless <see cref="Cancel"/> comes first.
/// </summary>
/// <remarks>
/// Python's Timer is a thread that sleeps. In .NET a sleeping thread is a waste (a megabyte of stack
/// doing nothing); a timer costs nothing until it fires and then borrows a thread-pool thread. The
/// timer comes from the injected <see cref="TimeProvider"/>, so tests can move time forward by hand.
/// </remarks>
public sealed class DelayedAction : IDisposable
{
    private enum State
    {
        Created,
        Scheduled,
        Running,
        Finished,
        Canceled,
    }

    private readonly object _gate = new();
    private readonly Action _action;
    private readonly TimeProvider _time;
    // RunContinuationsAsynchronously: whoever awaits Completion must not run on the timer's thread.
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ITimer? _timer;
    private State _state = State.Created;

    /// <param name="delay">How long after <see cref="Start"/> the action runs.</param>
    /// <param name="action">What to run; it runs on a thread-pool thread.</param>
    /// <param name="time">The clock. <see cref="TimeProvider.System"/> by default; tests pass a fake one.</param>
    public DelayedAction(TimeSpan delay, Action action, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(action);
        Delay = delay;
        _action = action;
        _time = time ?? TimeProvider.System;
    }

    public TimeSpan Delay { get; }

    /// <summary>
    /// Finishes when the action has run (faulted with its exception if it threw), or is canceled when
    /// <see cref="Cancel"/> stopped the action from running. Waiting on it is Python's <c>join()</c>.
    /// </summary>
    public Task Completion => _completion.Task;

    /// <summary>Starts the countdown. A DelayedAction starts once: a second call throws InvalidOperationException.</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_state != State.Created)
            {
                throw new InvalidOperationException($"A DelayedAction starts only once (it is {_state}).");
            }

            _state = State.Scheduled;
            // Period = Infinite: fire once. A period equal to the delay would run the action again and again.
            _ = Task.Delay(Delay).ContinueWith(_ => Fire(), TaskScheduler.Default);
        }
    }

    /// <summary>
    /// Stops the action from running, if it has not started yet. Returns true when the action will
    /// never run, false when it is too late (it is running or has run).
    /// </summary>
    public bool Cancel()
    {
        lock (_gate)
        {
            if (_state is State.Running or State.Finished)
            {
                return false;
            }

            // Deciding "canceled" happens under the same lock as Fire's "running": the two cannot both win.
            _state = State.Canceled;
            ReleaseTimer();
        }

        _completion.TrySetCanceled();
        return true;
    }

    /// <summary>Cancels the action if it has not started, and releases the timer.</summary>
    public void Dispose()
    {
        Cancel();
        lock (_gate)
        {
            ReleaseTimer();
        }
    }

    private void Fire()
    {
        lock (_gate)
        {
            if (_state != State.Scheduled)
            {
                return;
            }

            _state = State.Running;
            ReleaseTimer();
        }

        try
        {
            _action();
            _completion.TrySetResult();
        }
        catch (Exception e)
        {
            // An exception escaping a timer callback ends the whole process. Hand it to whoever waits instead.
            _completion.TrySetException(e);
        }
        finally
        {
            lock (_gate)
            {
                _state = State.Finished;
            }
        }
    }

    private void ReleaseTimer()
    {
        _timer?.Dispose();
        _timer = null;
    }
}
