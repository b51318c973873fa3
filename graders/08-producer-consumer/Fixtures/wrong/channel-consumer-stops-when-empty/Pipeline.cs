using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Katas.ProducerConsumer;

// Known wrong: a Channel consumer that stops at the first empty read. Each consumer drains the channel with TryRead
// and returns when it finds it empty, instead of awaiting WaitToReadAsync (or ReadAllAsync) until the writer completes:
// a consumer that looks before the first item comes, or between two items, stops for good and those items are never
// processed. Coyote finds it through the Channel twin (graders/Katas.Grading/Twins/Channel.cs).
public sealed class Pipeline<TIn, TOut> : IDisposable
{
    private readonly Channel<TIn> _channel;
    private readonly ManualResetEventSlim _started = new(false);
    private readonly ConcurrentBag<TOut> _results = [];
    private readonly ConcurrentQueue<Exception> _errors = new();
    private readonly List<Thread> _consumers = [];
    private readonly Func<TIn, TOut> _work;

    public Pipeline(Func<TIn, TOut> work, int capacity, int consumers)
    {
        _work = work;
        _channel = Channel.CreateBounded<TIn>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait });
        for (var i = 0; i < consumers; i++)
        {
            var consumer = new Thread(Consume) { IsBackground = true };
            _consumers.Add(consumer);
            consumer.Start();
        }
    }

    public void Start() => _started.Set();

    public void Add(TIn item) => _channel.Writer.WriteAsync(item).AsTask().GetAwaiter().GetResult();

    public IReadOnlyList<TOut> Complete()
    {
        _channel.Writer.Complete();
        _started.Set();
        _consumers.ForEach(consumer => consumer.Join());
        return _errors.IsEmpty ? [.. _results] : throw new AggregateException(_errors);
    }

    public void Dispose() => _started.Dispose();

    private void Consume()
    {
        _started.Wait();
        while (_channel.Reader.TryRead(out var item))
        {
            try
            {
                _results.Add(_work(item));
            }
            catch (Exception e)
            {
                _errors.Enqueue(e);
            }
        }
    }
}
