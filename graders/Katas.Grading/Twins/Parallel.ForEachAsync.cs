// Parallel.ForEachAsync and ForAsync of the Parallel twin (see Parallel.cs), built on what `coyote rewrite` controls:
// workers started with Task.Run (or on the options' scheduler), items taken under a lock (an async source: under a
// SemaphoreSlim), and the loop's task completed through a TaskCompletionSource. As the runtime's: MaxDegreeOfParallelism
// -1 means Environment.ProcessorCount workers; a failing body cancels the token the other bodies got, and no new item
// starts; the task faults with every exception the bodies threw (await surfaces the first), or is canceled when the
// caller's token was.
using System.Numerics;

namespace System.Threading.Tasks;

public abstract partial class ControlledParallel
{
    public static Task ForAsync<T>(T fromInclusive, T toExclusive, Func<T, CancellationToken, ValueTask> body)
        where T : notnull, IBinaryInteger<T>
    {
        ArgumentNullException.ThrowIfNull(body);
        return Range(fromInclusive, toExclusive, -1, null, CancellationToken.None, body);
    }

    public static Task ForAsync<T>(T fromInclusive, T toExclusive, CancellationToken cancellationToken, Func<T, CancellationToken, ValueTask> body)
        where T : notnull, IBinaryInteger<T>
    {
        ArgumentNullException.ThrowIfNull(body);
        return Range(fromInclusive, toExclusive, -1, null, cancellationToken, body);
    }

    public static Task ForAsync<T>(T fromInclusive, T toExclusive, ParallelOptions parallelOptions, Func<T, CancellationToken, ValueTask> body)
        where T : notnull, IBinaryInteger<T>
    {
        ArgumentNullException.ThrowIfNull(parallelOptions);
        ArgumentNullException.ThrowIfNull(body);
        return Range(fromInclusive, toExclusive, parallelOptions.MaxDegreeOfParallelism, parallelOptions.TaskScheduler,
            parallelOptions.CancellationToken, body);
    }

    public static Task ForEachAsync<TSource>(IEnumerable<TSource> source, Func<TSource, CancellationToken, ValueTask> body)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(body);
        return Each(source, -1, null, CancellationToken.None, body);
    }

    public static Task ForEachAsync<TSource>(IEnumerable<TSource> source, CancellationToken cancellationToken,
        Func<TSource, CancellationToken, ValueTask> body)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(body);
        return Each(source, -1, null, cancellationToken, body);
    }

    public static Task ForEachAsync<TSource>(IEnumerable<TSource> source, ParallelOptions parallelOptions,
        Func<TSource, CancellationToken, ValueTask> body)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(parallelOptions);
        ArgumentNullException.ThrowIfNull(body);
        return Each(source, parallelOptions.MaxDegreeOfParallelism, parallelOptions.TaskScheduler, parallelOptions.CancellationToken, body);
    }

    public static Task ForEachAsync<TSource>(IAsyncEnumerable<TSource> source, Func<TSource, CancellationToken, ValueTask> body)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(body);
        return EachAsync(source, -1, null, CancellationToken.None, body);
    }

    public static Task ForEachAsync<TSource>(IAsyncEnumerable<TSource> source, CancellationToken cancellationToken,
        Func<TSource, CancellationToken, ValueTask> body)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(body);
        return EachAsync(source, -1, null, cancellationToken, body);
    }

    public static Task ForEachAsync<TSource>(IAsyncEnumerable<TSource> source, ParallelOptions parallelOptions,
        Func<TSource, CancellationToken, ValueTask> body)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(parallelOptions);
        ArgumentNullException.ThrowIfNull(body);
        return EachAsync(source, parallelOptions.MaxDegreeOfParallelism, parallelOptions.TaskScheduler, parallelOptions.CancellationToken, body);
    }

    private static Task Range<T>(T fromInclusive, T toExclusive, int degree, TaskScheduler? scheduler, CancellationToken cancellationToken,
        Func<T, CancellationToken, ValueTask> body)
        where T : notnull, IBinaryInteger<T>
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        if (fromInclusive >= toExclusive)
        {
            return Task.CompletedTask;
        }

        var span = Int128.CreateSaturating(toExclusive) - Int128.CreateSaturating(fromInclusive);
        var count = span > 0 && span < long.MaxValue ? (long)span : long.MaxValue;
        return Each(Numbers(fromInclusive, toExclusive), count, degree, scheduler, cancellationToken, body);
    }

    private static IEnumerable<T> Numbers<T>(T fromInclusive, T toExclusive)
        where T : IBinaryInteger<T>
    {
        for (var i = fromInclusive; i < toExclusive; i++)
        {
            yield return i;
        }
    }

    private static Task Each<TSource>(IEnumerable<TSource> source, int degree, TaskScheduler? scheduler,
        CancellationToken cancellationToken, Func<TSource, CancellationToken, ValueTask> body)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        return Each(source, source.TryGetNonEnumeratedCount(out var count) ? count : long.MaxValue, degree, scheduler, cancellationToken, body);
    }

    private static Task Each<TSource>(IEnumerable<TSource> source, long count, int degree, TaskScheduler? scheduler,
        CancellationToken cancellationToken, Func<TSource, CancellationToken, ValueTask> body)
    {
        var loop = new TwinAsyncLoop(cancellationToken);
        var gate = new object();
        var done = false;
        IEnumerator<TSource>? enumerator = null;
        async Task Work()
        {
            try
            {
                while (!loop.Token.IsCancellationRequested)
                {
                    TSource item;
                    lock (gate)
                    {
                        if (done)
                        {
                            break;
                        }

                        enumerator ??= source.GetEnumerator();
                        if (!enumerator.MoveNext())
                        {
                            done = true;
                            break;
                        }

                        item = enumerator.Current;
                    }

                    await body(item, loop.Token);
                }
            }
            catch (Exception e)
            {
                loop.Record(e);
            }
        }

        return loop.Run(Work, TwinAsyncLoop.Workers(degree, count), scheduler, () =>
        {
            lock (gate)
            {
                done = true;
                enumerator?.Dispose();
            }

            return ValueTask.CompletedTask;
        });
    }

    private static Task EachAsync<TSource>(IAsyncEnumerable<TSource> source, int degree, TaskScheduler? scheduler,
        CancellationToken cancellationToken, Func<TSource, CancellationToken, ValueTask> body)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        var loop = new TwinAsyncLoop(cancellationToken);
        var gate = new SemaphoreSlim(1, 1);
        var done = false;
        IAsyncEnumerator<TSource>? enumerator = null;
        async Task Work()
        {
            try
            {
                while (!loop.Token.IsCancellationRequested)
                {
                    TSource item;
                    await gate.WaitAsync();
                    try
                    {
                        if (done)
                        {
                            break;
                        }

                        enumerator ??= source.GetAsyncEnumerator(loop.Token);
                        if (!await enumerator.MoveNextAsync())
                        {
                            done = true;
                            break;
                        }

                        item = enumerator.Current;
                    }
                    finally
                    {
                        gate.Release();
                    }

                    await body(item, loop.Token);
                }
            }
            catch (Exception e)
            {
                loop.Record(e);
            }
        }

        return loop.Run(Work, TwinAsyncLoop.Workers(degree, long.MaxValue), scheduler, async () =>
        {
            await gate.WaitAsync();
            try
            {
                done = true;
                if (enumerator is not null)
                {
                    await enumerator.DisposeAsync();
                }
            }
            finally
            {
                gate.Release();
            }
        });
    }
}

/// <summary>What the workers of one ForEachAsync share: the token they pass to the bodies, and what the bodies threw.</summary>
internal sealed class TwinAsyncLoop
{
    private readonly object _gate = new();
    private readonly CancellationToken _external;
    private readonly CancellationTokenSource _cancellation;
    private List<Exception>? _exceptions;

    public TwinAsyncLoop(CancellationToken external)
    {
        _external = external;
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(external);
    }

    /// <summary>The token every body gets: canceled when the caller's is, or when a body fails.</summary>
    public CancellationToken Token => _cancellation.Token;

    public static int Workers(int degree, long count) =>
        (int)Math.Max(1, Math.Min(degree == -1 ? Environment.ProcessorCount : degree, count));

    public void Record(Exception exception)
    {
        lock (_gate)
        {
            (_exceptions ??= []).Add(exception);
        }

        try
        {
            _cancellation.Cancel();
        }
        catch (AggregateException callbacks)
        {
            lock (_gate)
            {
                _exceptions.AddRange(callbacks.InnerExceptions);
            }
        }
    }

    /// <summary>Starts <paramref name="workers"/> workers and returns the task that ends when they all have.</summary>
    public Task Run(Func<Task> work, int workers, TaskScheduler? scheduler, Func<ValueTask> close)
    {
        var all = new Task[workers];
        for (var i = 0; i < workers; i++)
        {
            all[i] = scheduler is null || scheduler == TaskScheduler.Default
                ? Task.Run(work)
                : Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.DenyChildAttach, scheduler).Unwrap();
        }

        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = Complete(all, close, completion);
        return completion.Task;
    }

    private async Task Complete(Task[] workers, Func<ValueTask> close, TaskCompletionSource completion)
    {
        await Task.WhenAll(workers).ConfigureAwait(false);
        try
        {
            await close().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            lock (_gate)
            {
                (_exceptions ??= []).Add(e);
            }
        }

        _cancellation.Dispose();
        if (_external.IsCancellationRequested)
        {
            completion.TrySetCanceled(_external);
        }
        else if (_exceptions is { } exceptions)
        {
            completion.TrySetException(exceptions);
        }
        else
        {
            completion.TrySetResult();
        }
    }
}
