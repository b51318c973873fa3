// A controlled twin of System.Threading.Tasks.Parallel, compiled into every kata's graded assembly with the other twins
// (see Lock.cs and graders/Kata.Code.targets). Coyote 1.7.11 rewrites Parallel.For and ForEach(source, options, body) to
// a Parallel of its own that runs one iteration at a time with a fixed degree of 4, and lets the other overloads
// (ParallelLoopState, indexed ForEach, ForEachAsync) run uncontrolled, so code written with Parallel was graded by stress
// runs on real threads. This twin runs the loops on workers Coyote controls (TwinParallelLoop.cs,
// Parallel.ForEachAsync.cs), so Coyote explores how their bodies interleave.
// Every public member of the runtime's Parallel (.NET 10) is here and does what the runtime's does: argument checks,
// MaxDegreeOfParallelism, cancellation, Stop and Break, thread-local values, exceptions gathered into one
// AggregateException (graders/Katas.Grading.Tests/TwinParallelTests.cs). Workers: MaxDegreeOfParallelism, or when it
// is -1 one per iteration up to 64, as many as the thread pool will run (TwinParallelLoop.Workers says why); never more
// than there are iterations; the calling thread runs one of them.
using System.Collections.Concurrent;

namespace System.Threading.Tasks;

/// <summary>
/// Stands in for System.Threading.Tasks.Parallel in graded code (see the comment at the top of the file). Every member
/// is declared here, on the base class, not on <see cref="Parallel"/>: C# compiles `Parallel.For(...)` to a call on the
/// class that declares For, and `coyote rewrite` redirects every call whose declaring type is named
/// System.Threading.Tasks.Parallel to Coyote's own Parallel (it matches types by full name, its own module's too), which
/// would take the loops away from the twin again.
/// </summary>
public abstract partial class ControlledParallel
{
    private protected ControlledParallel()
    {
    }

    private static readonly ParallelOptions s_defaultOptions = new();

    public static void Invoke(params Action[] actions) => Invoke(s_defaultOptions, actions);

    public static void Invoke(ParallelOptions parallelOptions, params Action[] actions)
    {
        ArgumentNullException.ThrowIfNull(actions);
        ArgumentNullException.ThrowIfNull(parallelOptions);
        if (Array.IndexOf(actions, null) >= 0)
        {
            throw new ArgumentException("One of the actions was null.");
        }

        parallelOptions.CancellationToken.ThrowIfCancellationRequested();
        if (actions.Length > 0)
        {
            TwinParallelLoop.Invoke(parallelOptions, (Action[])actions.Clone());
        }
    }

    // For, with int and long indices.

    public static ParallelLoopResult For(int fromInclusive, int toExclusive, Action<int> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return ForRange(fromInclusive, toExclusive, s_defaultOptions, i => (int)i, Plain<int>(body));
    }

    public static ParallelLoopResult For(long fromInclusive, long toExclusive, Action<long> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return ForRange(fromInclusive, toExclusive, s_defaultOptions, i => i, Plain(body));
    }

    public static ParallelLoopResult For(int fromInclusive, int toExclusive, ParallelOptions parallelOptions, Action<int> body)
    {
        ArgumentNullException.ThrowIfNull(parallelOptions);
        ArgumentNullException.ThrowIfNull(body);
        return ForRange(fromInclusive, toExclusive, parallelOptions, i => (int)i, Plain(body));
    }

    public static ParallelLoopResult For(long fromInclusive, long toExclusive, ParallelOptions parallelOptions, Action<long> body)
    {
        ArgumentNullException.ThrowIfNull(parallelOptions);
        ArgumentNullException.ThrowIfNull(body);
        return ForRange(fromInclusive, toExclusive, parallelOptions, i => i, Plain(body));
    }

    public static ParallelLoopResult For(int fromInclusive, int toExclusive, Action<int, ParallelLoopState> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return ForRange(fromInclusive, toExclusive, s_defaultOptions, i => (int)i, WithState(body));
    }

    public static ParallelLoopResult For(long fromInclusive, long toExclusive, Action<long, ParallelLoopState> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return ForRange(fromInclusive, toExclusive, s_defaultOptions, i => i, WithState(body));
    }

    public static ParallelLoopResult For(int fromInclusive, int toExclusive, ParallelOptions parallelOptions, Action<int, ParallelLoopState> body)
    {
        ArgumentNullException.ThrowIfNull(parallelOptions);
        ArgumentNullException.ThrowIfNull(body);
        return ForRange(fromInclusive, toExclusive, parallelOptions, i => (int)i, WithState(body));
    }

    public static ParallelLoopResult For(long fromInclusive, long toExclusive, ParallelOptions parallelOptions, Action<long, ParallelLoopState> body)
    {
        ArgumentNullException.ThrowIfNull(parallelOptions);
        ArgumentNullException.ThrowIfNull(body);
        return ForRange(fromInclusive, toExclusive, parallelOptions, i => i, WithState(body));
    }

    public static ParallelLoopResult For<TLocal>(int fromInclusive, int toExclusive, Func<TLocal> localInit,
        Func<int, ParallelLoopState, TLocal, TLocal> body, Action<TLocal> localFinally) =>
        For(fromInclusive, toExclusive, s_defaultOptions, localInit, body, localFinally);

    public static ParallelLoopResult For<TLocal>(long fromInclusive, long toExclusive, Func<TLocal> localInit,
        Func<long, ParallelLoopState, TLocal, TLocal> body, Action<TLocal> localFinally) =>
        For(fromInclusive, toExclusive, s_defaultOptions, localInit, body, localFinally);

    public static ParallelLoopResult For<TLocal>(int fromInclusive, int toExclusive, ParallelOptions parallelOptions,
        Func<TLocal> localInit, Func<int, ParallelLoopState, TLocal, TLocal> body, Action<TLocal> localFinally)
    {
        CheckLocal(body, localInit, localFinally, parallelOptions);
        return ForRange<int, TLocal>(fromInclusive, toExclusive, parallelOptions, i => (int)i, (i, state, _, local) => body(i, state, local),
            localInit, localFinally);
    }

    public static ParallelLoopResult For<TLocal>(long fromInclusive, long toExclusive, ParallelOptions parallelOptions,
        Func<TLocal> localInit, Func<long, ParallelLoopState, TLocal, TLocal> body, Action<TLocal> localFinally)
    {
        CheckLocal(body, localInit, localFinally, parallelOptions);
        return ForRange<long, TLocal>(fromInclusive, toExclusive, parallelOptions, i => i, (i, state, _, local) => body(i, state, local),
            localInit, localFinally);
    }

    private static ParallelLoopResult ForRange<TItem>(long fromInclusive, long toExclusive, ParallelOptions parallelOptions,
        Func<long, TItem> item, Func<TItem, ParallelLoopState, long, object?, object?> body) =>
        ForRange(fromInclusive, toExclusive, parallelOptions, item, body, null, null);

    private static ParallelLoopResult ForRange<TItem, TLocal>(long fromInclusive, long toExclusive, ParallelOptions parallelOptions,
        Func<long, TItem> item, Func<TItem, ParallelLoopState, long, TLocal, TLocal> body, Func<TLocal>? localInit, Action<TLocal>? localFinally)
    {
        if (toExclusive <= fromInclusive)
        {
            return new ParallelLoopResult { _completed = true };
        }

        parallelOptions.CancellationToken.ThrowIfCancellationRequested();
        return TwinParallelLoop.Run(new TwinRangeSource<TItem>(fromInclusive, toExclusive, item), parallelOptions, localInit, body, localFinally);
    }

    private static void CheckLocal(object body, object localInit, object localFinally, ParallelOptions parallelOptions)
    {
        ArgumentNullException.ThrowIfNull(parallelOptions);
        ArgumentNullException.ThrowIfNull(localInit);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(localFinally);
    }

    private static Func<T, ParallelLoopState, long, object?, object?> Plain<T>(Action<T> body) => (item, _, _, local) =>
    {
        body(item);
        return local;
    };

    private static Func<T, ParallelLoopState, long, object?, object?> WithState<T>(Action<T, ParallelLoopState> body) => (item, state, _, local) =>
    {
        body(item, state);
        return local;
    };

    private static Func<T, ParallelLoopState, long, object?, object?> WithIndex<T>(Action<T, ParallelLoopState, long> body) => (item, state, index, local) =>
    {
        body(item, state, index);
        return local;
    };
}

/// <summary>
/// Stands in for System.Threading.Tasks.Parallel in graded code: the name a student writes. Its members are inherited
/// from <see cref="ControlledParallel"/> (see there why); like the runtime's static class, it can be neither made nor
/// derived from.
/// </summary>
public sealed class Parallel : ControlledParallel
{
    private Parallel()
    {
    }
}
