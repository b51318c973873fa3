// Controlled twins of System.Threading.Tasks.ParallelLoopState and ParallelLoopResult, for the Parallel twin
// (Parallel.cs): the runtime's ParallelLoopState has only an internal constructor, so the twin loops cannot hand a body
// the runtime's type, and a body written as (i, state) => ... binds to this one in graded code. Same public surface and
// behaviour as the runtime's types (graders/Katas.Grading.Tests/TwinParallelTests.cs).
namespace System.Threading.Tasks;

/// <summary>Stands in for System.Threading.Tasks.ParallelLoopState in graded code: one per worker of a twin loop.</summary>
public class ParallelLoopState
{
    private readonly TwinLoopFlags _flags;

    internal ParallelLoopState(TwinLoopFlags flags) => _flags = flags;

    /// <summary>The iteration the worker runs now (its index, or its position in the source).</summary>
    internal long CurrentIteration { get; set; }

    /// <summary>Whether this iteration should end early: the loop was stopped, failed, was canceled, or broken below it.</summary>
    public bool ShouldExitCurrentIteration => _flags.ShouldExit(CurrentIteration);

    /// <summary>Whether some iteration called <see cref="Stop"/>.</summary>
    public bool IsStopped => _flags.Has(TwinLoopFlags.Stopped);

    /// <summary>Whether some iteration threw.</summary>
    public bool IsExceptional => _flags.Has(TwinLoopFlags.Exceptional);

    /// <summary>The lowest iteration that called <see cref="Break"/>, or null.</summary>
    public long? LowestBreakIteration => _flags.LowestBreak;

    /// <summary>No new iteration starts; InvalidOperationException after a Break.</summary>
    public void Stop() => _flags.Stop();

    /// <summary>No iteration after this one starts; those before it still run. InvalidOperationException after a Stop.</summary>
    public void Break() => _flags.Break(CurrentIteration);
}

/// <summary>Stands in for System.Threading.Tasks.ParallelLoopResult in graded code.</summary>
public struct ParallelLoopResult
{
    internal bool _completed;
    internal long? _lowestBreakIteration;

    /// <summary>Whether every iteration ran (no Stop, no Break).</summary>
    public bool IsCompleted => _completed;

    /// <summary>The lowest iteration that called Break, or null.</summary>
    public long? LowestBreakIteration => _lowestBreakIteration;
}

/// <summary>What every worker of one twin loop shares: Stop, Break, failure and cancellation.</summary>
internal sealed class TwinLoopFlags
{
    public const int Exceptional = 1;
    public const int Broken = 2;
    public const int Stopped = 4;
    public const int Canceled = 8;

    private readonly object _gate = new();
    private readonly CancellationToken _token;
    private volatile int _flags;
    private long _lowestBreak = long.MaxValue;
    private List<Exception>? _exceptions;

    public TwinLoopFlags(CancellationToken token) => _token = token;

    public bool Has(int flag) => (_flags & flag) != 0;

    public long? LowestBreak => Has(Broken) ? Interlocked.Read(ref _lowestBreak) : null;

    public List<Exception>? Exceptions => _exceptions;

    /// <summary>Whether iteration <paramref name="iteration"/> must not run (or should end early).</summary>
    public bool ShouldExit(long iteration)
    {
        if (_token.IsCancellationRequested && !Has(Canceled))
        {
            Set(Canceled);
        }

        var flags = _flags;
        return flags != 0 &&
               ((flags & (Exceptional | Stopped | Canceled)) != 0 || iteration > Interlocked.Read(ref _lowestBreak));
    }

    public void Stop()
    {
        lock (_gate)
        {
            if (Has(Broken))
            {
                throw new InvalidOperationException("Stop was called after Break was called.");
            }

            _flags |= Stopped;
        }
    }

    public void Break(long iteration)
    {
        lock (_gate)
        {
            if (Has(Stopped))
            {
                throw new InvalidOperationException("Break was called after Stop was called.");
            }

            if (iteration < _lowestBreak)
            {
                Interlocked.Exchange(ref _lowestBreak, iteration);
            }

            _flags |= Broken;
        }
    }

    public void Record(Exception exception)
    {
        lock (_gate)
        {
            (_exceptions ??= []).Add(exception);
            _flags |= Exceptional;
        }
    }

    private void Set(int flag)
    {
        lock (_gate)
        {
            _flags |= flag;
        }
    }

    /// <summary>
    /// What the loop ends with, as the runtime's: the bodies' exceptions in one AggregateException (or, when they are all
    /// the loop's own cancellation, the first of them); else OperationCanceledException if the token was canceled; else
    /// the result.
    /// </summary>
    public ParallelLoopResult Result()
    {
        if (_exceptions is { Count: > 0 } exceptions)
        {
            if (_token.IsCancellationRequested &&
                exceptions.TrueForAll(e => e is OperationCanceledException canceled && canceled.CancellationToken == _token))
            {
                Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(exceptions[0]).Throw();
            }

            throw new AggregateException(exceptions);
        }

        if (_token.IsCancellationRequested)
        {
            throw new OperationCanceledException(_token);
        }

        return new ParallelLoopResult
        {
            _completed = !Has(Stopped) && !Has(Broken),
            _lowestBreakIteration = LowestBreak,
        };
    }
}
