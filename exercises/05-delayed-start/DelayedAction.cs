namespace Katas.DelayedStart;

/// <summary>
/// Python's <c>threading.Timer(interval, function)</c> in C#: runs <c>action</c> once, <c>delay</c>
/// after <see cref="Start"/>, unless <see cref="Cancel"/> comes first.
/// </summary>
/// <remarks>
/// TODO: this is a word-for-word port of Python's Timer (a thread that sleeps, then runs the action),
/// and it is wrong in C# in several ways: it ignores the <see cref="TimeProvider"/> it is given, so
/// nothing can test it without waiting for real; Cancel can lose a race with the timer; Completion never
/// finishes; an exception in the action kills the process. See README.md for the task and hints.
/// </remarks>
public sealed class DelayedAction : IDisposable
{
    private readonly Action _action;
    private readonly TimeProvider _time;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _canceled;

    /// <param name="delay">How long after <see cref="Start"/> the action runs.</param>
    /// <param name="action">What to run; it runs on a thread-pool thread.</param>
    /// <param name="time">The clock. <see cref="TimeProvider.System"/> by default; tests pass a fake one.</param>
    public DelayedAction(TimeSpan delay, Action action, TimeProvider? time = null)
    {
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
        var thread = new Thread(() =>
        {
            Thread.Sleep(Delay);
            if (!_canceled)
            {
                _action();
            }
        });
        thread.Start();
    }

    /// <summary>
    /// Stops the action from running, if it has not started yet. Returns true when the action will
    /// never run, false when it is too late (it is running or has run).
    /// </summary>
    public bool Cancel()
    {
        _canceled = true;
        return true;
    }

    /// <summary>Cancels the action if it has not started, and releases the timer.</summary>
    public void Dispose() => Cancel();
}
