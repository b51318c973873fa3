namespace Katas.DelayedStart;

// Known right: no lock; Start(), the callback and Cancel() each claim the single state field with
// Interlocked.CompareExchange (Cancel() in a loop, since it may start from Created or Scheduled), so exactly one
// of them wins. Hard for the grader: the timer is created after the state says Scheduled, outside any lock, so
// Start() must itself dispose a timer that a Cancel() in between could not find.
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
        // A loop of CompareExchange: Start() may move Created to Scheduled between our read and our write, and then
        // we must try again from Scheduled (two fixed CompareExchanges would return true and leave it Scheduled).
        while (true)
        {
            var before = Volatile.Read(ref _state);
            if (before == Running)
            {
                return false;
            }

            if (before == Canceled || Interlocked.CompareExchange(ref _state, Canceled, before) == before)
            {
                break;
            }
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
