using Katas.DelayedStart;

namespace Katas.Graders.DelayedStart;

/// <summary>One DelayedAction on a fake clock, with an action that counts its runs.</summary>
internal sealed class Scenario : IDisposable
{
    public const string ReadNext =
        "exercises/05-delayed-start/README.md, and https://learn.microsoft.com/dotnet/standard/datetime/timeprovider-overview";

    public static readonly TimeSpan Delay = TimeSpan.FromHours(1);

    /// <summary>Time allowed for code that hands the action to the thread pool to get it running.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(100);

    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(10);
    private int _runs;

    public Scenario(Action? action = null)
    {
        Action = new DelayedAction(Delay, () =>
        {
            Interlocked.Increment(ref _runs);
            action?.Invoke();
        }, Clock);
    }

    public RecordingClock Clock { get; } = new();

    public DelayedAction Action { get; }

    public int Runs => Volatile.Read(ref _runs);

    public string Timers() => $"{Clock.TimersCreated} timer(s) created, {Clock.TimersNotDisposed} of them not disposed";

    public void Start() => Bounded.Run(s_limit, "calling Start()", Action.Start);

    public bool Cancel() => Bounded.Run(s_limit, "calling Cancel()", Action.Cancel);

    /// <summary>Moves the fake clock; a timer callback that throws fails the test with an explanation.</summary>
    public void Advance(TimeSpan by)
    {
        if (Bounded.Catch(s_limit, $"moving the clock forward by {by} (your timer callback ran here)", () => Clock.Advance(by)) is { } e)
        {
            Assert.Fail(
                $"An exception escaped from your timer callback: {e.GetType().Name}: {e.Message}\n" +
                "On a real timer that ends the whole process (an unhandled exception on a thread-pool thread). Catch it " +
                $"in the callback and put it into Completion (TaskCompletionSource.TrySetException).\nRead next: {ReadNext}");
        }
    }

    /// <summary>Waits (bounded) for Completion to finish; false if it did not.</summary>
    public bool CompletionFinishes(TimeSpan within)
    {
        try
        {
            return Bounded.Run(within + s_limit, "waiting for Completion", () => ((IAsyncResult)Action.Completion).AsyncWaitHandle.WaitOne(within));
        }
        catch (GradingTimeoutException)
        {
            return false;
        }
    }

    public void Dispose() => Bounded.Run(s_limit, "calling Dispose()", Action.Dispose);
}
