using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Katas.ProducerConsumer;

// Known wrong: the consumers are tasks that do not catch what the work throws: a consumer whose item fails
// ends (its task faults), and Task.WaitAll in Complete throws the AggregateException. With one failure the
// other consumers take over its share; when every consumer has met a failure, nobody takes the items left,
// and the producer waits for ever on a full channel.
public sealed class Pipeline<TIn, TOut> : IDisposable
{
    private readonly Channel<TIn> _channel;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentBag<TOut> _results = [];
    private readonly Task[] _consumers;
    private readonly Func<TIn, TOut> _work;

    public Pipeline(Func<TIn, TOut> work, int capacity, int consumers)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(consumers, 1);
        _work = work;
        _channel = Channel.CreateBounded<TIn>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait });
        _consumers = Enumerable.Range(0, consumers).Select(_ => Task.Run(ConsumeAsync)).ToArray();
    }

    public void Start() => _started.TrySetResult();

    public void Add(TIn item) => _channel.Writer.WriteAsync(item).AsTask().GetAwaiter().GetResult();

    public IReadOnlyList<TOut> Complete()
    {
        _channel.Writer.TryComplete();
        _started.TrySetResult();
        // Task.WaitAll throws an AggregateException with every consumer's exception.
        Task.WaitAll(_consumers);
        return [.. _results];
    }

    public void Dispose()
    {
    }

    private async Task ConsumeAsync()
    {
        await _started.Task.ConfigureAwait(false);
        await foreach (var item in _channel.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            _results.Add(_work(item));
        }
    }
}
