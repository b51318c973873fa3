// Parallel.ForEach of the Parallel twin (see Parallel.cs): over an enumerable (an array or IList<T> by index, others
// enumerated under a lock in growing chunks), or over a partitioner's dynamic partitions, one per worker.
using System.Collections.Concurrent;

namespace System.Threading.Tasks;

public abstract partial class ControlledParallel
{
    public static ParallelLoopResult ForEach<TSource>(IEnumerable<TSource> source, Action<TSource> body)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(body);
        return Each(source, s_defaultOptions, Plain(body));
    }

    public static ParallelLoopResult ForEach<TSource>(IEnumerable<TSource> source, ParallelOptions parallelOptions, Action<TSource> body)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(parallelOptions);
        ArgumentNullException.ThrowIfNull(body);
        return Each(source, parallelOptions, Plain(body));
    }

    public static ParallelLoopResult ForEach<TSource>(IEnumerable<TSource> source, Action<TSource, ParallelLoopState> body)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(body);
        return Each(source, s_defaultOptions, WithState(body));
    }

    public static ParallelLoopResult ForEach<TSource>(IEnumerable<TSource> source, ParallelOptions parallelOptions, Action<TSource, ParallelLoopState> body)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(parallelOptions);
        ArgumentNullException.ThrowIfNull(body);
        return Each(source, parallelOptions, WithState(body));
    }

    public static ParallelLoopResult ForEach<TSource>(IEnumerable<TSource> source, Action<TSource, ParallelLoopState, long> body)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(body);
        return Each(source, s_defaultOptions, WithIndex(body));
    }

    public static ParallelLoopResult ForEach<TSource>(IEnumerable<TSource> source, ParallelOptions parallelOptions, Action<TSource, ParallelLoopState, long> body)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(parallelOptions);
        ArgumentNullException.ThrowIfNull(body);
        return Each(source, parallelOptions, WithIndex(body));
    }

    public static ParallelLoopResult ForEach<TSource, TLocal>(IEnumerable<TSource> source, Func<TLocal> localInit,
        Func<TSource, ParallelLoopState, TLocal, TLocal> body, Action<TLocal> localFinally) =>
        ForEach(source, s_defaultOptions, localInit, body, localFinally);

    public static ParallelLoopResult ForEach<TSource, TLocal>(IEnumerable<TSource> source, ParallelOptions parallelOptions,
        Func<TLocal> localInit, Func<TSource, ParallelLoopState, TLocal, TLocal> body, Action<TLocal> localFinally)
    {
        ArgumentNullException.ThrowIfNull(source);
        CheckLocal(body, localInit, localFinally, parallelOptions);
        return Each<TSource, TLocal>(source, parallelOptions, (item, state, _, local) => body(item, state, local), localInit, localFinally);
    }

    public static ParallelLoopResult ForEach<TSource, TLocal>(IEnumerable<TSource> source, Func<TLocal> localInit,
        Func<TSource, ParallelLoopState, long, TLocal, TLocal> body, Action<TLocal> localFinally) =>
        ForEach(source, s_defaultOptions, localInit, body, localFinally);

    public static ParallelLoopResult ForEach<TSource, TLocal>(IEnumerable<TSource> source, ParallelOptions parallelOptions,
        Func<TLocal> localInit, Func<TSource, ParallelLoopState, long, TLocal, TLocal> body, Action<TLocal> localFinally)
    {
        ArgumentNullException.ThrowIfNull(source);
        CheckLocal(body, localInit, localFinally, parallelOptions);
        return Each(source, parallelOptions, body, localInit, localFinally);
    }

    // Over a partitioner.

    public static ParallelLoopResult ForEach<TSource>(Partitioner<TSource> source, Action<TSource> body) =>
        ForEach(source, s_defaultOptions, body);

    public static ParallelLoopResult ForEach<TSource>(Partitioner<TSource> source, Action<TSource, ParallelLoopState> body) =>
        ForEach(source, s_defaultOptions, body);

    public static ParallelLoopResult ForEach<TSource>(OrderablePartitioner<TSource> source, Action<TSource, ParallelLoopState, long> body) =>
        ForEach(source, s_defaultOptions, body);

    public static ParallelLoopResult ForEach<TSource, TLocal>(Partitioner<TSource> source, Func<TLocal> localInit,
        Func<TSource, ParallelLoopState, TLocal, TLocal> body, Action<TLocal> localFinally) =>
        ForEach(source, s_defaultOptions, localInit, body, localFinally);

    public static ParallelLoopResult ForEach<TSource, TLocal>(OrderablePartitioner<TSource> source, Func<TLocal> localInit,
        Func<TSource, ParallelLoopState, long, TLocal, TLocal> body, Action<TLocal> localFinally) =>
        ForEach(source, s_defaultOptions, localInit, body, localFinally);

    public static ParallelLoopResult ForEach<TSource>(Partitioner<TSource> source, ParallelOptions parallelOptions, Action<TSource> body)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(parallelOptions);
        ArgumentNullException.ThrowIfNull(body);
        return Partitioned(source, parallelOptions, Plain(body), null, null);
    }

    public static ParallelLoopResult ForEach<TSource>(Partitioner<TSource> source, ParallelOptions parallelOptions, Action<TSource, ParallelLoopState> body)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(parallelOptions);
        ArgumentNullException.ThrowIfNull(body);
        return Partitioned(source, parallelOptions, WithState(body), null, null);
    }

    public static ParallelLoopResult ForEach<TSource>(OrderablePartitioner<TSource> source, ParallelOptions parallelOptions,
        Action<TSource, ParallelLoopState, long> body)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(parallelOptions);
        ArgumentNullException.ThrowIfNull(body);
        return Partitioned(source, parallelOptions, WithIndex(body), null, null);
    }

    public static ParallelLoopResult ForEach<TSource, TLocal>(Partitioner<TSource> source, ParallelOptions parallelOptions,
        Func<TLocal> localInit, Func<TSource, ParallelLoopState, TLocal, TLocal> body, Action<TLocal> localFinally)
    {
        ArgumentNullException.ThrowIfNull(source);
        CheckLocal(body, localInit, localFinally, parallelOptions);
        return Partitioned<TSource, TLocal>(source, parallelOptions, (item, state, _, local) => body(item, state, local), localInit, localFinally);
    }

    public static ParallelLoopResult ForEach<TSource, TLocal>(OrderablePartitioner<TSource> source, ParallelOptions parallelOptions,
        Func<TLocal> localInit, Func<TSource, ParallelLoopState, long, TLocal, TLocal> body, Action<TLocal> localFinally)
    {
        ArgumentNullException.ThrowIfNull(source);
        CheckLocal(body, localInit, localFinally, parallelOptions);
        return Partitioned(source, parallelOptions, body, localInit, localFinally);
    }

    private static ParallelLoopResult Each<TSource>(IEnumerable<TSource> source, ParallelOptions parallelOptions,
        Func<TSource, ParallelLoopState, long, object?, object?> body) =>
        Each(source, parallelOptions, body, null, null);

    private static ParallelLoopResult Each<TSource, TLocal>(IEnumerable<TSource> source, ParallelOptions parallelOptions,
        Func<TSource, ParallelLoopState, long, TLocal, TLocal> body, Func<TLocal>? localInit, Action<TLocal>? localFinally)
    {
        parallelOptions.CancellationToken.ThrowIfCancellationRequested();
        if (source is IList<TSource> list)
        {
            var count = list.Count;
            return count == 0
                ? new ParallelLoopResult { _completed = true }
                : TwinParallelLoop.Run(new TwinRangeSource<TSource>(0, count, i => list[(int)i]), parallelOptions, localInit, body, localFinally);
        }

        return TwinParallelLoop.Run(new TwinEnumerableSource<TSource>(source), parallelOptions, localInit, body, localFinally);
    }

    private static ParallelLoopResult Partitioned<TSource, TLocal>(Partitioner<TSource> source, ParallelOptions parallelOptions,
        Func<TSource, ParallelLoopState, long, TLocal, TLocal> body, Func<TLocal>? localInit, Action<TLocal>? localFinally)
    {
        var partitions = new TwinPartitionSource<TSource>(source);
        parallelOptions.CancellationToken.ThrowIfCancellationRequested();
        return TwinParallelLoop.Run(partitions, parallelOptions, localInit, body, localFinally);
    }
}
