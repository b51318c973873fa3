namespace Katas.DelayedStart;

// Known wrong: Python's Timer kept as it is (a thread of its own that sleeps, then runs the action), only
// the sleep now waits on the given TimeProvider. Every fake-clock check passes, but each DelayedAction
// costs a whole thread doing nothing, and the action runs on that thread, not on a thread-pool thread as
// the README and the doc comments promise.
public sealed class DelayedAction : IDisposable
{
    private readonly object _gate = new();
    private readonly Action _action;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _cancel = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _started;
    private bool _running;
    private bool _canceled;

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
            if (_started)
            {
                throw new InvalidOperationException("A DelayedAction starts only once.");
            }

            _started = true;
        }

        var sleeper = new Thread(SleepThenRun) { IsBackground = true };
        sleeper.Start();
    }

    public bool Cancel()
    {
        lock (_gate)
        {
            if (_running)
            {
                return false;
            }

            _canceled = true;
        }

        _cancel.Cancel();
        _completion.TrySetCanceled();
        return true;
    }

    public void Dispose() => Cancel();

    private void SleepThenRun()
    {
        try
        {
            // Waits on the given clock, so tests with a fake clock can move time.
            Task.Delay(Delay, _time, _cancel.Token).Wait();
        }
        catch (AggregateException)
        {
            return;
        }

        lock (_gate)
        {
            if (_canceled)
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
