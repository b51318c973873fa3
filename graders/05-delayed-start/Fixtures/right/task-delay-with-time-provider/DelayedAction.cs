namespace Katas.DelayedStart;

// Known right: the async way. Task.Delay(delay, timeProvider, token) waits on the injected clock and a
// CancellationTokenSource cancels it. A lock decides "run" vs "cancel" once. Coyote cannot control
// Task.Delay with a TimeProvider; the grader must still pass this.
public sealed class DelayedAction : IDisposable
{
    private readonly object _gate = new();
    private readonly Action _action;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _cancel = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _started;
    private bool _running;

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
        lock (_gate)
        {
            if (_started || _cancel.IsCancellationRequested)
            {
                throw new InvalidOperationException("A DelayedAction starts only once.");
            }

            _started = true;
        }

        _ = RunAfterDelayAsync();
    }

    public bool Cancel()
    {
        lock (_gate)
        {
            if (_running)
            {
                return false;
            }

            if (!_cancel.IsCancellationRequested)
            {
                _cancel.Cancel();
            }
        }

        _completion.TrySetCanceled();
        return true;
    }

    public void Dispose()
    {
        Cancel();
        _cancel.Dispose();
    }

    private async Task RunAfterDelayAsync()
    {
        try
        {
            await Task.Delay(Delay, _time, _cancel.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        lock (_gate)
        {
            if (_cancel.IsCancellationRequested)
            {
                return;
            }

            _running = true;
        }

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
