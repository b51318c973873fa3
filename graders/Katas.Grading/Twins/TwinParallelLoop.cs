// The engine of the Parallel twin's synchronous loops (Parallel.For.cs, Parallel.ForEach.cs, Parallel.Invoke in
// Parallel.cs), built only on what `coyote rewrite` controls: Task.Run (or Task.Factory.StartNew on the options'
// scheduler), Interlocked, Monitor and Task.WaitAll. The calling thread runs one worker itself, as the runtime's loops do.
// Workers take iterations in chunks that grow per worker (1, 2, 4, ... up to a cap that keeps every worker busy to the
// end): a small loop hands out one iteration at a time, so Coyote interleaves every body, and a big loop on real threads
// is not slowed by a shared counter touched per iteration.
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace System.Threading.Tasks;

/// <summary>Where one worker of a twin loop takes its iterations from; one per worker.</summary>
internal abstract class TwinLoopCursor<TItem> : IDisposable
{
    /// <summary>The next iteration of this worker: false when none is left.</summary>
    public abstract bool MoveNext(out long index, out TItem item);

    public virtual void Dispose()
    {
    }
}

/// <summary>Hands out the iterations of one loop to its workers.</summary>
internal abstract class TwinLoopSource<TItem>
{
    /// <summary>How many iterations there are, if known (at most that many workers start).</summary>
    public virtual long Count => long.MaxValue;

    public abstract TwinLoopCursor<TItem> Open(int workers);

    /// <summary>The largest chunk a worker takes at once: an eighth of a fair share, within 1 .. 256.</summary>
    protected static int Cap(long count, int workers) => (int)Math.Clamp(count / Math.Max(1, workers) / 8, 1, 256);
}

/// <summary>The indices fromInclusive .. toExclusive - 1, taken in growing chunks off one shared counter.</summary>
internal sealed class TwinRangeSource<TItem> : TwinLoopSource<TItem>
{
    private readonly long _to;
    private readonly Func<long, TItem> _item;
    private long _next;

    public TwinRangeSource(long fromInclusive, long toExclusive, Func<long, TItem> item)
    {
        _next = fromInclusive;
        _to = toExclusive;
        _item = item;
    }

    public override long Count => unchecked((ulong)(_to - Interlocked.Read(ref _next))) > long.MaxValue
        ? long.MaxValue
        : _to - Interlocked.Read(ref _next);

    public override TwinLoopCursor<TItem> Open(int workers) => new Cursor(this, Cap(Count, workers));

    /// <summary>The next chunk of at most <paramref name="size"/> indices: false when none is left.</summary>
    private bool Take(long size, out long start, out long end)
    {
        while (true)
        {
            var current = Interlocked.Read(ref _next);
            if (current >= _to)
            {
                start = end = 0;
                return false;
            }

            var left = unchecked((ulong)(_to - current));
            var taken = (long)Math.Min((ulong)size, left);
            if (Interlocked.CompareExchange(ref _next, current + taken, current) == current)
            {
                start = current;
                end = current + taken;
                return true;
            }
        }
    }

    private sealed class Cursor(TwinRangeSource<TItem> source, int cap) : TwinLoopCursor<TItem>
    {
        private long _size = 1;
        private long _current;
        private long _end;

        public override bool MoveNext(out long index, out TItem item)
        {
            if (_current >= _end)
            {
                if (!source.Take(_size, out _current, out _end))
                {
                    index = 0;
                    item = default!;
                    return false;
                }

                _size = Math.Min(_size * 2, cap);
            }

            index = _current++;
            item = source._item(index);
            return true;
        }
    }
}

/// <summary>The items of an enumerable, taken in growing chunks under a lock; an item's index is its position.</summary>
internal sealed class TwinEnumerableSource<TItem>(IEnumerable<TItem> source) : TwinLoopSource<TItem>
{
    private readonly object _gate = new();
    private IEnumerator<TItem>? _enumerator;
    private bool _done;
    private long _position;

    public override long Count => source.TryGetNonEnumeratedCount(out var count) ? count : long.MaxValue;

    public override TwinLoopCursor<TItem> Open(int workers) => new Cursor(this, Count == long.MaxValue ? 64 : Cap(Count, workers));

    /// <summary>Disposes the enumerator once every worker is done.</summary>
    public void Close() => _enumerator?.Dispose();

    private int Take(int size, TItem[] buffer, out long first)
    {
        lock (_gate)
        {
            first = _position;
            if (_done)
            {
                return 0;
            }

            _enumerator ??= source.GetEnumerator();
            var taken = 0;
            while (taken < size)
            {
                if (!_enumerator.MoveNext())
                {
                    _done = true;
                    break;
                }

                buffer[taken++] = _enumerator.Current;
            }

            _position += taken;
            return taken;
        }
    }

    private sealed class Cursor(TwinEnumerableSource<TItem> source, int cap) : TwinLoopCursor<TItem>
    {
        private readonly TItem[] _buffer = new TItem[cap];
        private int _size = 1;
        private int _taken;
        private int _next;
        private long _first;

        public override bool MoveNext(out long index, out TItem item)
        {
            if (_next >= _taken)
            {
                Array.Clear(_buffer, 0, _taken);
                _next = 0;
                _taken = source.Take(_size, _buffer, out _first);
                if (_taken == 0)
                {
                    index = 0;
                    item = default!;
                    return false;
                }

                _size = Math.Min(_size * 2, cap);
            }

            index = _first + _next;
            item = _buffer[_next++];
            return true;
        }
    }
}

/// <summary>A partitioner's dynamic partitions: each worker enumerates one of them.</summary>
internal sealed class TwinPartitionSource<TItem> : TwinLoopSource<TItem>
{
    private readonly IEnumerable<TItem>? _partitions;
    private readonly IEnumerable<KeyValuePair<long, TItem>>? _orderable;

    public TwinPartitionSource(Partitioner<TItem> partitioner)
    {
        if (!partitioner.SupportsDynamicPartitions)
        {
            throw new InvalidOperationException("The Partitioner used here must support dynamic partitioning.");
        }

        if (partitioner is OrderablePartitioner<TItem> orderable)
        {
            _orderable = orderable.GetOrderableDynamicPartitions() ??
                throw new InvalidOperationException("The Partitioner used here returned a null partitioner source.");
        }
        else
        {
            _partitions = partitioner.GetDynamicPartitions() ??
                throw new InvalidOperationException("The Partitioner used here returned a null partitioner source.");
        }
    }

    public override TwinLoopCursor<TItem> Open(int workers) => _orderable is not null
        ? new OrderableCursor(_orderable.GetEnumerator())
        : new Cursor(_partitions!.GetEnumerator());

    private sealed class Cursor(IEnumerator<TItem> partition) : TwinLoopCursor<TItem>
    {
        // The runtime's loop gives the iterations of a partitioner with no order the index 0 (a Break breaks at 0).
        public override bool MoveNext(out long index, out TItem item)
        {
            index = 0;
            if (partition.MoveNext())
            {
                item = partition.Current;
                return true;
            }

            item = default!;
            return false;
        }

        public override void Dispose() => partition.Dispose();
    }

    private sealed class OrderableCursor(IEnumerator<KeyValuePair<long, TItem>> partition) : TwinLoopCursor<TItem>
    {
        public override bool MoveNext(out long index, out TItem item)
        {
            if (partition.MoveNext())
            {
                (index, item) = partition.Current;
                return true;
            }

            index = 0;
            item = default!;
            return false;
        }

        public override void Dispose() => partition.Dispose();
    }
}

/// <summary>Runs a twin loop: its workers, its flags, its result.</summary>
internal static class TwinParallelLoop
{
    /// <summary>
    /// How many workers a loop of <paramref name="count"/> iterations gets: MaxDegreeOfParallelism, never more than there
    /// are iterations. With no limit (-1), the runtime's loop keeps adding workers for as long as the thread pool gives it
    /// threads, and the pool adds threads while its threads are blocked: 3 iterations that wait for each other all run
    /// at once in the end. So the twin queues one worker per iteration, up to 64 (or the pool's minimum if higher): the pool
    /// runs as many at once as it would have run the runtime's, and a worker that starts late finds nothing left to do.
    /// A fixed Math.Max(2, ProcessorCount) failed two things on a 2-core machine: kata 13's right/parallel-for (its third
    /// model never started while the grader held the second), and kata 11's wrong/limit-ignored (never more than 2 calls
    /// at once under Coyote, so a dropped limit of 3 went unseen).
    /// </summary>
    public static int Workers(ParallelOptions options, long count)
    {
        int workers = options.MaxDegreeOfParallelism;
        if (workers == -1)
        {
            ThreadPool.GetMinThreads(out var poolThreads, out _);
            workers = Math.Max(64, poolThreads);
        }

        return (int)Math.Max(1, Math.Min(workers, count));
    }

    public static ParallelLoopResult Run<TItem, TLocal>(
        TwinLoopSource<TItem> source,
        ParallelOptions options,
        Func<TLocal>? localInit,
        Func<TItem, ParallelLoopState, long, TLocal, TLocal> body,
        Action<TLocal>? localFinally)
    {
        var flags = new TwinLoopFlags(options.CancellationToken);
        var workers = Workers(options, source.Count);
        var others = new Task[workers - 1];
        for (var i = 0; i < others.Length; i++)
        {
            others[i] = Start(() => Work(source, workers, flags, localInit, body, localFinally), options);
        }

        Work(source, workers, flags, localInit, body, localFinally);
        Task.WaitAll(others);
        (source as TwinEnumerableSource<TItem>)?.Close();
        return flags.Result();
    }

    /// <summary>A worker on the options' scheduler (Task.Run on the default one, which Coyote controls).</summary>
    public static Task Start(Action work, ParallelOptions options) =>
        options.TaskScheduler is { } scheduler && scheduler != TaskScheduler.Default
            ? Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.DenyChildAttach, scheduler)
            : Task.Run(work);

    private static void Work<TItem, TLocal>(
        TwinLoopSource<TItem> source,
        int workers,
        TwinLoopFlags flags,
        Func<TLocal>? localInit,
        Func<TItem, ParallelLoopState, long, TLocal, TLocal> body,
        Action<TLocal>? localFinally)
    {
        var state = new ParallelLoopState(flags);
        var local = default(TLocal)!;
        var initialized = false;
        try
        {
            using var cursor = source.Open(workers);
            while (cursor.MoveNext(out var index, out var item))
            {
                if (flags.ShouldExit(index))
                {
                    break;
                }

                if (!initialized)
                {
                    if (localInit is not null)
                    {
                        local = localInit();
                    }

                    initialized = true;
                }

                state.CurrentIteration = index;
                local = body(item, state, index, local);
            }
        }
        catch (Exception e)
        {
            flags.Record(e);
        }
        finally
        {
            if (initialized && localFinally is not null)
            {
                try
                {
                    localFinally(local);
                }
                catch (Exception e)
                {
                    flags.Record(e);
                }
            }
        }
    }

    /// <summary>Parallel.Invoke: every action runs (a failure does not stop the others), at most MaxDegreeOfParallelism at once.</summary>
    public static void Invoke(ParallelOptions options, Action[] actions)
    {
        var next = -1;
        var gate = new object();
        var exceptions = new List<Exception>();
        var token = options.CancellationToken;
        void Work()
        {
            int i;
            while (!token.IsCancellationRequested && (i = Interlocked.Increment(ref next)) < actions.Length)
            {
                try
                {
                    actions[i]();
                }
                catch (Exception e)
                {
                    lock (gate)
                    {
                        exceptions.Add(e);
                    }
                }
            }
        }

        var workers = Workers(options, actions.Length);
        var others = new Task[workers - 1];
        for (var i = 0; i < others.Length; i++)
        {
            others[i] = Start(Work, options);
        }

        Work();
        Task.WaitAll(others);
        if (exceptions.Count > 0)
        {
            var all = exceptions.ToArray();
            if (token.IsCancellationRequested &&
                Array.TrueForAll(all, e => e is OperationCanceledException canceled && canceled.CancellationToken == token))
            {
                ExceptionDispatchInfo.Capture(all[0]).Throw();
            }

            throw new AggregateException(all);
        }

        token.ThrowIfCancellationRequested();
    }
}
