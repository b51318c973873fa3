// A controlled twin of the static class System.Threading.Channels.Channel, compiled into every kata's graded assembly
// with the other twins (see Lock.cs and graders/Kata.Code.targets). Coyote 1.7.11 does not model the runtime's channels
// (their operations complete through pooled IValueTaskSource objects and the thread pool, which Coyote cannot follow:
// a correct consumer is reported as "Potential deadlock or hang", and a rewritten `await foreach` over a runtime channel
// threw NullReferenceException). Only the factory is a twin: Channel<T>, ChannelReader<T> and ChannelWriter<T> stay the
// runtime's abstract types (their names differ from this class's by arity), so student code compiles against the
// runtime's types unchanged; what the factory returns derives from them and is built on what `coyote rewrite` controls:
// one gate taken with Monitor (lock), a queue, and TaskCompletionSources (continuations run asynchronously) for the
// calls that wait, returned as ValueTasks over their Tasks.
// Every public member of the runtime's Channel is here, and each channel does what the runtime's does, call by call:
// results, exceptions and their types, order, full modes and itemDropped, completion, cancellation
// (graders/Katas.Grading.Tests/TwinChannelTests.cs). Not reproduced: AllowSynchronousContinuations (continuations always
// run asynchronously, which the runtime allows for either setting), and the ValueTask of a wait ended by its token is a
// faulted one whose await throws OperationCanceledException, as the runtime's does (its IsCanceled is false here).
using System.Diagnostics.CodeAnalysis;

namespace System.Threading.Channels;

/// <summary>Stands in for System.Threading.Channels.Channel in graded code (see the comment at the top of the file).</summary>
public static class Channel
{
    public static Channel<T> CreateUnbounded<T>() => new TwinChannel<T>(TwinChannel<T>.Unbounded, BoundedChannelFullMode.Wait, null, null, false);

    public static Channel<T> CreateUnbounded<T>(UnboundedChannelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new TwinChannel<T>(TwinChannel<T>.Unbounded, BoundedChannelFullMode.Wait, null, null, options.SingleReader);
    }

    public static Channel<T> CreateBounded<T>(int capacity)
    {
        if (capacity < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity));
        }

        return new TwinChannel<T>(capacity, BoundedChannelFullMode.Wait, null, null, false);
    }

    public static Channel<T> CreateBounded<T>(BoundedChannelOptions options) => CreateBounded<T>(options, null);

    public static Channel<T> CreateBounded<T>(BoundedChannelOptions options, Action<T>? itemDropped)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new TwinChannel<T>(options.Capacity, options.FullMode, itemDropped, null, false);
    }

    public static Channel<T> CreateUnboundedPrioritized<T>() =>
        new TwinChannel<T>(TwinChannel<T>.Unbounded, BoundedChannelFullMode.Wait, null, Comparer<T>.Default, false);

    public static Channel<T> CreateUnboundedPrioritized<T>(UnboundedPrioritizedChannelOptions<T> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new TwinChannel<T>(TwinChannel<T>.Unbounded, BoundedChannelFullMode.Wait, null, options.Comparer ?? Comparer<T>.Default, false);
    }
}

/// <summary>
/// The channels the twin factory makes: bounded or not, prioritized or not. Every operation is one step under
/// <see cref="_gate"/>, as in the runtime's channels; a call that must wait queues a TaskCompletionSource under it,
/// which the call that ends the wait removes and completes under it. A canceled token's callback removes its waiter,
/// so an item written later is never handed to a canceled read and a canceled WriteAsync never enqueues.
/// </summary>
internal sealed class TwinChannel<T> : Channel<T>
{
    public const int Unbounded = -1;

    /// <summary>The capacity of a channel without a buffer, where each write is handed to a read (.NET 10).</summary>
    private const int Rendezvous = 0;

    private readonly object _gate = new();
    private readonly LinkedList<T>? _fifo;
    private readonly PriorityQueue<T, T>? _prioritized;
    private readonly int _capacity;
    private readonly BoundedChannelFullMode _mode;
    private readonly Action<T>? _itemDropped;
    private readonly bool _singleReader;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly LinkedList<TaskCompletionSource<T>> _blockedReaders = new();
    private readonly LinkedList<TaskCompletionSource<bool>> _waitingReaders = new();
    private readonly LinkedList<(T Item, TaskCompletionSource Done)> _blockedWriters = new();
    private readonly LinkedList<TaskCompletionSource<bool>> _waitingWriters = new();

    /// <summary>Null until TryComplete; then the error it was given, or <see cref="s_doneWriting"/>.</summary>
    private Exception? _doneWriting;

    private static readonly Exception s_doneWriting = new("done writing");

    public TwinChannel(int capacity, BoundedChannelFullMode mode, Action<T>? itemDropped, IComparer<T>? priority, bool singleReader)
    {
        _capacity = capacity;
        _mode = mode;
        _itemDropped = itemDropped;
        _singleReader = singleReader;
        if (priority is null)
        {
            _fifo = new LinkedList<T>();
        }
        else
        {
            _prioritized = new PriorityQueue<T, T>(priority);
        }

        Reader = new TwinReader(this);
        Writer = new TwinWriter(this);
    }

    private int Count => _fifo?.Count ?? _prioritized!.Count;

    private bool IsFull => _capacity != Unbounded && Count >= _capacity;

    private void Enqueue(T item)
    {
        if (_fifo is not null)
        {
            _fifo.AddLast(item);
        }
        else
        {
            _prioritized!.Enqueue(item, item);
        }
    }

    private T Dequeue()
    {
        if (_fifo is null)
        {
            return _prioritized!.Dequeue();
        }

        var item = _fifo.First!.Value;
        _fifo.RemoveFirst();
        return item;
    }

    private bool TryPeek([MaybeNullWhen(false)] out T item)
    {
        if (_capacity == Rendezvous && _doneWriting is null && _blockedWriters.First is { } writer)
        {
            item = writer.Value.Item;
            return true;
        }

        if (Count == 0)
        {
            item = default;
            return false;
        }

        item = _fifo is not null ? _fifo.First!.Value : _prioritized!.Peek();
        return true;
    }

    /// <summary>Under the gate: takes the next item, lets a blocked writer in, completes the channel once drained.</summary>
    private T TakeUnderGate()
    {
        var item = Dequeue();
        if (_doneWriting is not null)
        {
            if (Count == 0)
            {
                Complete(_completion, _doneWriting);
            }
        }
        else if (_blockedWriters.First is { } writer)
        {
            _blockedWriters.RemoveFirst();
            Enqueue(writer.Value.Item);
            writer.Value.Done.TrySetResult();
        }
        else
        {
            SetAll(_waitingWriters, true);
        }

        return item;
    }

    /// <summary>
    /// Under the gate, with the channel open: gives the item to the first blocked ReadAsync, or queues it and wakes the
    /// WaitToReadAsync calls. False when full (the full mode decides what then).
    /// </summary>
    private bool PutUnderGate(T item)
    {
        if (Count == 0 && TryHandToReader(item))
        {
            return true;
        }

        if (IsFull)
        {
            if (_capacity == Rendezvous && _mode == BoundedChannelFullMode.Wait)
            {
                // A write that waits for its read is one that a ReadAsync or TryRead can now take.
                SetAll(_waitingReaders, true);
            }

            return false;
        }

        Enqueue(item);
        SetAll(_waitingReaders, true);
        return true;
    }

    /// <summary>Under the gate, on a full channel in a Drop mode: makes room for the item; what was dropped.</summary>
    private T DropUnderGate(T item)
    {
        if (_mode == BoundedChannelFullMode.DropWrite || _capacity == Rendezvous)
        {
            return item;
        }

        T dropped;
        if (_mode == BoundedChannelFullMode.DropNewest)
        {
            dropped = _fifo!.Last!.Value;
            _fifo.RemoveLast();
        }
        else
        {
            dropped = Dequeue();
        }

        Enqueue(item);
        return dropped;
    }

    private bool TryWrite(T item)
    {
        T dropped;
        lock (_gate)
        {
            if (_capacity == Rendezvous)
            {
                // As the runtime's: a drop mode drops what no read takes, even once the channel is complete.
                if (_doneWriting is null && TryHandToReader(item))
                {
                    return true;
                }

                if (_mode == BoundedChannelFullMode.Wait)
                {
                    return false;
                }

                dropped = item;
                goto Drop;
            }

            if (_doneWriting is not null)
            {
                return false;
            }

            if (PutUnderGate(item))
            {
                return true;
            }

            if (_mode == BoundedChannelFullMode.Wait)
            {
                return false;
            }

            dropped = DropUnderGate(item);
        }

    Drop:
        _itemDropped?.Invoke(dropped);
        return true;
    }

    /// <summary>Under the gate: gives the item to the first blocked ReadAsync, if any.</summary>
    private bool TryHandToReader(T item)
    {
        if (_blockedReaders.First is not { } reader)
        {
            return false;
        }

        _blockedReaders.RemoveFirst();
        reader.Value.TrySetResult(item);
        return true;
    }

    private ValueTask WriteAsync(T item, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return new ValueTask(Task.FromCanceled(cancellationToken));
        }

        T dropped;
        lock (_gate)
        {
            if (_doneWriting is not null)
            {
                return new ValueTask(Task.FromException(InvalidCompletion(_doneWriting)));
            }

            if (PutUnderGate(item))
            {
                return Done();
            }

            if (_mode == BoundedChannelFullMode.Wait)
            {
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var node = _blockedWriters.AddLast((item, done));
                CancelOnToken(cancellationToken, node, done.TrySetException);
                return new ValueTask(done.Task);
            }

            dropped = DropUnderGate(item);
        }

        _itemDropped?.Invoke(dropped);
        return Done();
    }

    private ValueTask<bool> WaitToWriteAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return new ValueTask<bool>(Task.FromCanceled<bool>(cancellationToken));
        }

        lock (_gate)
        {
            if (_doneWriting is not null)
            {
                return _doneWriting != s_doneWriting ? new ValueTask<bool>(Task.FromException<bool>(_doneWriting)) : Done(false);
            }

            if (!IsFull || _mode != BoundedChannelFullMode.Wait || (_capacity == Rendezvous && _blockedReaders.Count > 0))
            {
                return Done(true);
            }

            return Wait(_waitingWriters, cancellationToken);
        }
    }

    private bool TryComplete(Exception? error)
    {
        lock (_gate)
        {
            if (_doneWriting is not null)
            {
                return false;
            }

            _doneWriting = error ?? s_doneWriting;
            if (Count == 0 || _capacity == Rendezvous)
            {
                Complete(_completion, error);
            }

            var closed = InvalidCompletion(error);
            while (_blockedReaders.First is { } reader)
            {
                _blockedReaders.RemoveFirst();
                reader.Value.TrySetException(closed);
            }

            while (_blockedWriters.First is { } writer)
            {
                _blockedWriters.RemoveFirst();
                writer.Value.Done.TrySetException(closed);
            }

            SetAll(_waitingReaders, false, error);
            SetAll(_waitingWriters, false, error);
            return true;
        }
    }

    private bool TryRead([MaybeNullWhen(false)] out T item)
    {
        lock (_gate)
        {
            if (_capacity == Rendezvous)
            {
                return TryTakeFromWriter(out item);
            }

            if (Count > 0)
            {
                item = TakeUnderGate();
                return true;
            }
        }

        item = default;
        return false;
    }

    private ValueTask<T> ReadAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return new ValueTask<T>(Task.FromCanceled<T>(cancellationToken));
        }

        lock (_gate)
        {
            if (Count > 0)
            {
                return Done(TakeUnderGate());
            }

            if (_capacity == Rendezvous && _doneWriting is null && TryTakeFromWriter(out var handed))
            {
                return Done(handed);
            }

            if (_doneWriting is not null)
            {
                return _doneWriting is OperationCanceledException canceled
                    ? new ValueTask<T>(Task.FromCanceled<T>(canceled.CancellationToken.IsCancellationRequested ? canceled.CancellationToken : new CancellationToken(true)))
                    : new ValueTask<T>(Task.FromException<T>(InvalidCompletion(_doneWriting)));
            }

            if (_singleReader)
            {
                // The runtime's single-reader channel cancels the read already waiting when another read starts.
                CancelAll(_blockedReaders);
            }

            var read = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            var node = _blockedReaders.AddLast(read);
            CancelOnToken(cancellationToken, node, read.TrySetException);
            if (_capacity == Rendezvous)
            {
                // A read that waits for its write is room for one.
                SetAll(_waitingWriters, true);
            }

            return new ValueTask<T>(read.Task);
        }
    }

    private ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return new ValueTask<bool>(Task.FromCanceled<bool>(cancellationToken));
        }

        lock (_gate)
        {
            if (Count > 0)
            {
                return Done(true);
            }

            if (_doneWriting is not null)
            {
                return _doneWriting != s_doneWriting ? new ValueTask<bool>(Task.FromException<bool>(_doneWriting)) : Done(false);
            }

            if (_capacity == Rendezvous && _blockedWriters.Count > 0)
            {
                return Done(true);
            }

            if (_singleReader)
            {
                CancelAll(_waitingReaders);
            }

            return Wait(_waitingReaders, cancellationToken);
        }
    }

    /// <summary>Under the gate, on a channel without a buffer: takes the item of the first blocked WriteAsync, if any.</summary>
    private bool TryTakeFromWriter([MaybeNullWhen(false)] out T item)
    {
        if (_doneWriting is null && _blockedWriters.First is { } writer)
        {
            _blockedWriters.RemoveFirst();
            item = writer.Value.Item;
            writer.Value.Done.TrySetResult();
            return true;
        }

        item = default;
        return false;
    }

    /// <summary>Under the gate: a WaitTo*Async call that waits in <paramref name="waiters"/>.</summary>
    private ValueTask<bool> Wait(LinkedList<TaskCompletionSource<bool>> waiters, CancellationToken cancellationToken)
    {
        var waiter = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var node = waiters.AddLast(waiter);
        CancelOnToken(cancellationToken, node, waiter.TrySetException);
        return new ValueTask<bool>(waiter.Task);
    }

    /// <summary>
    /// Under the gate, with the waiter just queued: when the token is canceled, the waiter leaves its list and its call
    /// throws OperationCanceledException, unless a write, read or completion took it out first. The registration is
    /// never disposed (Dispose would wait for a running callback, which waits for the gate); a callback that finds its
    /// waiter gone does nothing.
    /// </summary>
    private void CancelOnToken<TWaiter>(CancellationToken cancellationToken, LinkedListNode<TWaiter> node, Func<Exception, bool> fail)
    {
        if (!cancellationToken.CanBeCanceled)
        {
            return;
        }

        cancellationToken.Register(() =>
        {
            lock (_gate)
            {
                if (node.List is null)
                {
                    return;
                }

                node.List.Remove(node);
                fail(new OperationCanceledException(cancellationToken));
            }
        });
    }

    private static void CancelAll<TResult>(LinkedList<TaskCompletionSource<TResult>> waiters)
    {
        while (waiters.First is { } waiter)
        {
            waiters.RemoveFirst();
            waiter.Value.TrySetException(new OperationCanceledException(new CancellationToken(false)));
        }
    }

    private static void SetAll(LinkedList<TaskCompletionSource<bool>> waiters, bool result, Exception? error = null)
    {
        while (waiters.First is { } waiter)
        {
            waiters.RemoveFirst();
            if (error is null)
            {
                waiter.Value.TrySetResult(result);
            }
            else
            {
                waiter.Value.TrySetException(error);
            }
        }
    }

    /// <summary>
    /// A call that has ended, as a ValueTask over a completed Task: every ValueTask of the twin is over a Task, the one
    /// kind Coyote's rewritten awaiters are known to follow (kata 11's channel workers, explored with these).
    /// </summary>
    private static ValueTask<TResult> Done<TResult>(TResult result) => new(Task.FromResult(result));

    private static ValueTask Done() => new(Task.CompletedTask);

    /// <summary>Completes the Completion task as the runtime does: canceled, faulted, or done.</summary>
    private static void Complete(TaskCompletionSource completion, Exception? error)
    {
        if (error is OperationCanceledException canceled)
        {
            completion.TrySetCanceled(canceled.CancellationToken);
        }
        else if (error is not null && error != s_doneWriting)
        {
            completion.TrySetException(error);
        }
        else
        {
            completion.TrySetResult();
        }
    }

    /// <summary>What a write to, or a read from, a channel completed with <paramref name="error"/> throws.</summary>
    private static Exception InvalidCompletion(Exception? error) =>
        error is OperationCanceledException ? error :
        error is not null && error != s_doneWriting ? new ChannelClosedException(error) :
        new ChannelClosedException();

    private sealed class TwinReader(TwinChannel<T> channel) : ChannelReader<T>
    {
        public override Task Completion => channel._completion.Task;

        public override bool CanCount => !channel._singleReader;

        public override bool CanPeek => true;

        public override int Count
        {
            get
            {
                if (channel._singleReader)
                {
                    return base.Count;
                }

                lock (channel._gate)
                {
                    return channel.Count;
                }
            }
        }

        public override bool TryRead([MaybeNullWhen(false)] out T item) => channel.TryRead(out item);

        public override bool TryPeek([MaybeNullWhen(false)] out T item)
        {
            lock (channel._gate)
            {
                return channel.TryPeek(out item);
            }
        }

        public override ValueTask<T> ReadAsync(CancellationToken cancellationToken = default) => channel.ReadAsync(cancellationToken);

        public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) => channel.WaitToReadAsync(cancellationToken);

        /// <summary>
        /// Every item until the channel is completed and drained, as the runtime's ReadAllAsync gives them (WaitToReadAsync,
        /// then TryRead until it finds none, again). Not an async iterator: Coyote 1.7.11 cannot follow a ValueTask over an
        /// IValueTaskSource (what an async iterator's MoveNextAsync returns), so MoveNextAsync here returns ValueTasks over
        /// Tasks only.
        /// </summary>
        public override IAsyncEnumerable<T> ReadAllAsync(CancellationToken cancellationToken = default) => new AllItems(this, cancellationToken);

        private sealed class AllItems(TwinReader reader, CancellationToken cancellationToken) : IAsyncEnumerable<T>
        {
            public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken enumeratorCancellation = default)
            {
                // As an async iterator with [EnumeratorCancellation]: either token, or both linked.
                if (!cancellationToken.CanBeCanceled || cancellationToken == enumeratorCancellation)
                {
                    return new Enumerator(reader, enumeratorCancellation, null);
                }

                if (!enumeratorCancellation.CanBeCanceled)
                {
                    return new Enumerator(reader, cancellationToken, null);
                }

                var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, enumeratorCancellation);
                return new Enumerator(reader, linked.Token, linked);
            }
        }

        private sealed class Enumerator(TwinReader reader, CancellationToken cancellationToken, CancellationTokenSource? linked) : IAsyncEnumerator<T>
        {
            private bool _draining;
            private bool _finished;

            public T Current { get; private set; } = default!;

            public ValueTask<bool> MoveNextAsync()
            {
                if (_finished)
                {
                    return Done(false);
                }

                if (_draining && reader.TryRead(out var item))
                {
                    Current = item;
                    return Done(true);
                }

                _draining = false;
                return new ValueTask<bool>(WaitThenReadAsync());
            }

            public ValueTask DisposeAsync()
            {
                _finished = true;
                linked?.Dispose();
                return Done();
            }

            private async Task<bool> WaitThenReadAsync()
            {
                try
                {
                    while (await reader.WaitToReadAsync(cancellationToken))
                    {
                        if (reader.TryRead(out var item))
                        {
                            Current = item;
                            _draining = true;
                            return true;
                        }
                    }
                }
                catch
                {
                    _finished = true;
                    throw;
                }

                _finished = true;
                return false;
            }
        }
    }

    private sealed class TwinWriter(TwinChannel<T> channel) : ChannelWriter<T>
    {
        public override bool TryComplete(Exception? error = null) => channel.TryComplete(error);

        public override bool TryWrite(T item) => channel.TryWrite(item);

        public override ValueTask<bool> WaitToWriteAsync(CancellationToken cancellationToken = default) => channel.WaitToWriteAsync(cancellationToken);

        public override ValueTask WriteAsync(T item, CancellationToken cancellationToken = default) => channel.WriteAsync(item, cancellationToken);
    }
}
