namespace Katas.DelayedStart;

// Known right: no lock; the callback and Cancel() each claim the single state field with one
// Interlocked.CompareExchange, so exactly one of them wins.
public sealed class DelayedAction : IDisposable
{
    private const int Created = 0, Scheduled = 1, Running = 2, Canceled = 3;

    private readonly Action _action;
    private readonly TimeProvider _time;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ITimer? _timer;
    private int _state = Created;

    public DelayedAction(TimeSpan delay, Action action, TimeProvider? time = null)
    {
        Delay = delay;
        _action = action;
        _time = time ?? TimeProvider.System;
    }

    public TimeSpan Delay { get; }

    public Task Completion => _completion.Task;

    public void Start()
    {
        if (Interlocked.CompareExchange(ref _state, Scheduled, Created) != Created)
        {
            throw new InvalidOperationException("A DelayedAction starts only once.");
        }

        Interlocked.Exchange(ref _timer, _time.CreateTimer(static self => ((DelayedAction)self!).Fire(), this, Delay, Timeout.InfiniteTimeSpan));
        if (Volatile.Read(ref _state) == Canceled)
        {
            // Cancel() ran between the two lines above and found no timer to dispose yet.
            Interlocked.Exchange(ref _timer, null)?.Dispose();
        }
    }

    public bool Cancel()
    {
        var before = Interlocked.CompareExchange(ref _state, Canceled, Scheduled);
        if (before == Created)
        {
            before = Interlocked.CompareExchange(ref _state, Canceled, Created);
        }

        if (before is Running)
        {
            return false;
        }

        Interlocked.Exchange(ref _timer, null)?.Dispose();
        _completion.TrySetCanceled();
        return true;
    }

    public void Dispose()
    {
        Cancel();
        Interlocked.Exchange(ref _timer, null)?.Dispose();
    }

    private void Fire()
    {
        if (Interlocked.CompareExchange(ref _state, Running, Scheduled) != Scheduled)
        {
            return;
        }

        Interlocked.Exchange(ref _timer, null)?.Dispose();
        try
        {
            _action();
            _completion.TrySetResult();
        }
        catch (Exception e)
        {
            _completion.TrySetException(e);
        }
    }
}
