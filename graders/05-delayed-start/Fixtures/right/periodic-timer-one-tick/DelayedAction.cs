namespace Katas.DelayedStart;

// Known right: async with a PeriodicTimer on the given TimeProvider, used for one tick only (it is disposed
// as soon as the tick comes, or by Cancel()), ConfigureAwait(false), no lock: one Interlocked.CompareExchange
// on the state decides "run" or "cancel". Hard for the grader: the timer it creates is periodic (period =
// delay), the action runs in an async continuation, and Coyote cannot see PeriodicTimer (the races are
// checked on real threads).
public sealed class DelayedAction : IDisposable
{
    private const int Created = 0, Scheduled = 1, Running = 2, Done = 3, Canceled = 4;

    private readonly Action _action;
    private readonly TimeProvider _time;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private PeriodicTimer? _ticker;
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

        var ticker = new PeriodicTimer(Delay, _time);
        Volatile.Write(ref _ticker, ticker);
        if (Volatile.Read(ref _state) == Canceled)
        {
            // Cancel() came between the state change and the line above, and found no timer to dispose.
            Interlocked.Exchange(ref _ticker, null)?.Dispose();
            return;
        }

        _ = RunAtTheTickAsync(ticker);
    }

    public bool Cancel()
    {
        while (true)
        {
            var state = Volatile.Read(ref _state);
            if (state is Running or Done)
            {
                return false;
            }

            if (state == Canceled || Interlocked.CompareExchange(ref _state, Canceled, state) == state)
            {
                break;
            }
        }

        Interlocked.Exchange(ref _ticker, null)?.Dispose();
        _completion.TrySetCanceled();
        return true;
    }

    public void Dispose()
    {
        Cancel();
        Interlocked.Exchange(ref _ticker, null)?.Dispose();
    }

    private async Task RunAtTheTickAsync(PeriodicTimer ticker)
    {
        // False when Cancel() disposed the timer before it ticked.
        if (!await ticker.WaitForNextTickAsync().ConfigureAwait(false) ||
            Interlocked.CompareExchange(ref _state, Running, Scheduled) != Scheduled)
        {
            return;
        }

        Interlocked.Exchange(ref _ticker, null)?.Dispose();
        try
        {
            _action();
            _completion.TrySetResult();
        }
        catch (Exception e)
        {
            _completion.TrySetException(e);
        }
        finally
        {
            Volatile.Write(ref _state, Done);
        }
    }
}
