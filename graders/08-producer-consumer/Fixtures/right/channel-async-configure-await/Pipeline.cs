// Known right: consumers are async tasks that `await foreach` over the channel with ConfigureAwait(false), the
// idiomatic modern pipeline. Hard for the grader: Coyote's rewrite of ConfiguredValueTaskAwaiter threw
// NullReferenceException on real threads (six checks failed a correct pipeline); real-thread checks must run the
// unrewritten build. Under Coyote such a loop ends before its first item (measured on kata 11, through the Channel
// twin): UncontrolledApi sends an await foreach over .ConfigureAwait(false) to stress runs.
using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Katas.ProducerConsumer;

public sealed class Pipeline<TIn, TOut> : IDisposable
{
    private readonly Channel<TIn> _channel;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentBag<TOut> _results = [];
    private readonly ConcurrentQueue<Exception> _errors = new();
    private readonly Task[] _consumers;
    private readonly Func<TIn, TOut> _work;

    public Pipeline(Func<TIn, TOut> work, int capacity, int consumers)
    {
        _work = work;
        _channel = Channel.CreateBounded<TIn>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait });
        _consumers = Enumerable.Range(0, consumers).Select(_ => Task.Run(ConsumeAsync)).ToArray();
    }

    public void Start() => _started.TrySetResult();

    public void Add(TIn item) => _channel.Writer.WriteAsync(item).AsTask().GetAwaiter().GetResult();

    public IReadOnlyList<TOut> Complete()
    {
        _channel.Writer.Complete();
        _started.TrySetResult();
        Task.WaitAll(_consumers);
        return _errors.IsEmpty ? [.. _results] : throw new AggregateException(_errors);
    }

    public void Dispose() { }

    private async Task ConsumeAsync()
    {
        await _started.Task.ConfigureAwait(false);
        await foreach (var item in _channel.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try { _results.Add(_work(item)); }
            catch (Exception e) { _errors.Enqueue(e); }
        }
    }
}
