using Microsoft.Extensions.Time.Testing;

namespace Katas.Graders.DelayedStart;

/// <summary>
/// A fake clock (FakeTimeProvider: time moves only when the grader says so) that also remembers every
/// timer the student's code created, so the grader can tell whether each one was disposed.
/// </summary>
internal sealed class RecordingClock : TimeProvider
{
    private readonly FakeTimeProvider _fake = new();
    private readonly List<RecordedTimer> _timers = [];

    public override long TimestampFrequency => _fake.TimestampFrequency;

    public override DateTimeOffset GetUtcNow() => _fake.GetUtcNow();

    public override long GetTimestamp() => _fake.GetTimestamp();

    /// <summary>Moves time forward; timers that come due fire on the calling thread.</summary>
    public void Advance(TimeSpan by) => _fake.Advance(by);

    public int TimersCreated
    {
        get
        {
            lock (_timers)
            {
                return _timers.Count;
            }
        }
    }

    public int TimersNotDisposed
    {
        get
        {
            lock (_timers)
            {
                return _timers.Count(timer => !timer.Disposed);
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new RecordedTimer(_fake.CreateTimer(callback, state, dueTime, period));
        lock (_timers)
        {
            _timers.Add(timer);
        }

        return timer;
    }

    private sealed class RecordedTimer(ITimer inner) : ITimer
    {
        private volatile bool _disposed;

        public bool Disposed => _disposed;

        public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(dueTime, period);

        public void Dispose()
        {
            _disposed = true;
            inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            _disposed = true;
            return inner.DisposeAsync();
        }
    }
}
