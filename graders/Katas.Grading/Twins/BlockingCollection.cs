// A controlled twin of System.Collections.Concurrent.BlockingCollection<T>, compiled into every kata's graded assembly
// with the other twins (see Lock.cs and graders/Kata.Code.targets). Coyote 1.7.11 does not model the runtime's type (it
// blocks on SemaphoreSlim waits with linked cancellation tokens that Coyote cannot follow: a correct producer/consumer is
// reported as "Potential deadlock or hang"); this one keeps the items in the collection it is given and waits with
// Monitor.Wait/PulseAll, which `coyote rewrite` controls.
// One gate per element type T serves every BlockingCollection<T>, so that AddToAny/TakeFromAny wait on all their
// collections at once; every operation is one atomic step under it, as each is in the runtime's type.
// Every public member of the runtime's type is here and does what the runtime's does, call by call, exceptions and
// their order included (graders/Katas.Grading.Tests/TwinCollectionTests.cs). Under Coyote a wait with a time-out never
// times out (Coyote does not model time).
using System.Collections;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace System.Collections.Concurrent;

/// <summary>Stands in for BlockingCollection&lt;T&gt; in graded code (see the comment at the top of the file).</summary>
[DebuggerDisplay("Count = {Count}, Type = {_items}")]
public class BlockingCollection<T> : IEnumerable<T>, IEnumerable, ICollection, IDisposable, IReadOnlyCollection<T>
{
    private static readonly object s_gate = new();
    private readonly IProducerConsumerCollection<T> _items;
    private readonly int _boundedCapacity;
    private volatile bool _addingCompleted;
    private volatile bool _disposed;

    public BlockingCollection()
        : this(new ConcurrentQueue<T>())
    {
    }

    public BlockingCollection(int boundedCapacity)
        : this(new ConcurrentQueue<T>(), boundedCapacity)
    {
    }

    public BlockingCollection(IProducerConsumerCollection<T> collection, int boundedCapacity)
    {
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentOutOfRangeException.ThrowIfLessThan(boundedCapacity, 1);
        if (collection.Count > boundedCapacity)
        {
            throw new ArgumentException("The collection argument contains more items than are allowed by the boundedCapacity.",
                nameof(collection));
        }

        _items = collection;
        _boundedCapacity = boundedCapacity;
    }

    public BlockingCollection(IProducerConsumerCollection<T> collection)
    {
        ArgumentNullException.ThrowIfNull(collection);
        _items = collection;
        _boundedCapacity = -1;
    }

    /// <summary>The capacity, or -1 when unbounded.</summary>
    public int BoundedCapacity
    {
        get
        {
            CheckDisposed();
            return _boundedCapacity;
        }
    }

    public bool IsAddingCompleted
    {
        get
        {
            CheckDisposed();
            return _addingCompleted;
        }
    }

    /// <summary>Adding is complete and every item has been taken.</summary>
    public bool IsCompleted
    {
        get
        {
            CheckDisposed();
            return _addingCompleted && _items.Count == 0;
        }
    }

    public int Count
    {
        get
        {
            CheckDisposed();
            return _items.Count;
        }
    }

    bool ICollection.IsSynchronized
    {
        get
        {
            CheckDisposed();
            return false;
        }
    }

    object ICollection.SyncRoot => throw new NotSupportedException("The SyncRoot property may not be used for the synchronization of concurrent collections.");

    private bool HasRoom => _boundedCapacity == -1 || _items.Count < _boundedCapacity;

    public void Add(T item) => Add(item, CancellationToken.None);

    public void Add(T item, CancellationToken cancellationToken) => TryAddWithin(item, Timeout.Infinite, cancellationToken);

    public bool TryAdd(T item) => TryAddWithin(item, 0, CancellationToken.None);

    public bool TryAdd(T item, TimeSpan timeout) => TryAddWithin(item, TwinWaits.Milliseconds(timeout), CancellationToken.None);

    public bool TryAdd(T item, int millisecondsTimeout) => TryAdd(item, millisecondsTimeout, CancellationToken.None);

    public bool TryAdd(T item, int millisecondsTimeout, CancellationToken cancellationToken)
    {
        TwinWaits.Validate(millisecondsTimeout);
        return TryAddWithin(item, millisecondsTimeout, cancellationToken);
    }

    public T Take() => Take(CancellationToken.None);

    public T Take(CancellationToken cancellationToken) =>
        TryTakeWithin(out var item, Timeout.Infinite, cancellationToken)
            ? item
            : throw new InvalidOperationException("The collection argument is empty and has been marked as complete with regards to additions.");

    public bool TryTake([MaybeNullWhen(false)] out T item) => TryTakeWithin(out item, 0, CancellationToken.None);

    public bool TryTake([MaybeNullWhen(false)] out T item, TimeSpan timeout) => TryTakeWithin(out item, TwinWaits.Milliseconds(timeout), CancellationToken.None);

    public bool TryTake([MaybeNullWhen(false)] out T item, int millisecondsTimeout) => TryTake(out item, millisecondsTimeout, CancellationToken.None);

    public bool TryTake([MaybeNullWhen(false)] out T item, int millisecondsTimeout, CancellationToken cancellationToken)
    {
        TwinWaits.Validate(millisecondsTimeout);
        return TryTakeWithin(out item, millisecondsTimeout, cancellationToken);
    }

    /// <summary>Marks the collection as taking no more additions; waiting takers of an empty collection return.</summary>
    public void CompleteAdding()
    {
        CheckDisposed();
        lock (s_gate)
        {
            _addingCompleted = true;
            Monitor.PulseAll(s_gate);
        }
    }

    public IEnumerable<T> GetConsumingEnumerable() => GetConsumingEnumerable(CancellationToken.None);

    /// <summary>Takes items as they come until the collection is completed (an iterator: nothing happens until enumerated).</summary>
    public IEnumerable<T> GetConsumingEnumerable(CancellationToken cancellationToken)
    {
        while (!IsCompleted)
        {
            if (TryTakeWithin(out var item, Timeout.Infinite, cancellationToken))
            {
                yield return item;
            }
        }
    }

    public T[] ToArray()
    {
        CheckDisposed();
        return _items.ToArray();
    }

    public void CopyTo(T[] array, int index)
    {
        CheckDisposed();
        var snapshot = _items.ToArray();
        CopyAsTheRuntimeDoes(() => Array.Copy(snapshot, 0, array, index, snapshot.Length), index);
    }

    void ICollection.CopyTo(Array array, int index)
    {
        CheckDisposed();
        var snapshot = _items.ToArray();
        try
        {
            CopyAsTheRuntimeDoes(() => ((ICollection)snapshot).CopyTo(array, index), index);
        }
        catch (Exception e) when (e is ArrayTypeMismatchException or InvalidCastException)
        {
            throw new ArgumentException("The array argument is of the incorrect type.", nameof(array));
        }
    }

    /// <summary>A copy of the snapshot, with the argument errors the runtime's CopyTo throws (its parameter names).</summary>
    private static void CopyAsTheRuntimeDoes(Action copy, int index)
    {
        try
        {
            copy();
        }
        catch (ArgumentNullException)
        {
            throw new ArgumentNullException("array");
        }
        catch (ArgumentOutOfRangeException)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, "The index argument must be greater than or equal zero.");
        }
        catch (ArgumentException)
        {
            throw new ArgumentException("The number of elements in the collection is greater than the available space from index to the end of the destination array.", nameof(index));
        }
    }

    IEnumerator<T> IEnumerable<T>.GetEnumerator()
    {
        CheckDisposed();
        return _items.GetEnumerator();
    }

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable<T>)this).GetEnumerator();

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (_disposed || !disposing)
        {
            return;
        }

        lock (s_gate)
        {
            _disposed = true;
            Monitor.PulseAll(s_gate);
        }
    }

    public static int AddToAny(BlockingCollection<T>[] collections, T item) => AddToAny(collections, item, CancellationToken.None);

    public static int AddToAny(BlockingCollection<T>[] collections, T item, CancellationToken cancellationToken)
    {
        ValidateCollections(collections, adding: true);
        return TryAddToAnyWithin(collections, item, Timeout.Infinite, cancellationToken);
    }

    public static int TryAddToAny(BlockingCollection<T>[] collections, T item) => TryAddToAny(collections, item, 0, CancellationToken.None);

    public static int TryAddToAny(BlockingCollection<T>[] collections, T item, TimeSpan timeout)
    {
        var milliseconds = TwinWaits.Milliseconds(timeout);
        ValidateCollections(collections, adding: true);
        return TryAddToAnyWithin(collections, item, milliseconds, CancellationToken.None);
    }

    public static int TryAddToAny(BlockingCollection<T>[] collections, T item, int millisecondsTimeout) =>
        TryAddToAny(collections, item, millisecondsTimeout, CancellationToken.None);

    public static int TryAddToAny(BlockingCollection<T>[] collections, T item, int millisecondsTimeout, CancellationToken cancellationToken)
    {
        TwinWaits.Validate(millisecondsTimeout);
        ValidateCollections(collections, adding: true);
        return TryAddToAnyWithin(collections, item, millisecondsTimeout, cancellationToken);
    }

    public static int TakeFromAny(BlockingCollection<T>[] collections, out T? item) => TakeFromAny(collections, out item, CancellationToken.None);

    public static int TakeFromAny(BlockingCollection<T>[] collections, out T? item, CancellationToken cancellationToken)
    {
        ValidateCollections(collections, adding: false);
        return TryTakeFromAnyWithin(collections, out item, Timeout.Infinite, throwWhenAllDone: true, cancellationToken);
    }

    public static int TryTakeFromAny(BlockingCollection<T>[] collections, out T? item) => TryTakeFromAny(collections, out item, 0, CancellationToken.None);

    public static int TryTakeFromAny(BlockingCollection<T>[] collections, out T? item, TimeSpan timeout)
    {
        var milliseconds = TwinWaits.Milliseconds(timeout);
        ValidateCollections(collections, adding: false);
        return TryTakeFromAnyWithin(collections, out item, milliseconds, throwWhenAllDone: false, CancellationToken.None);
    }

    public static int TryTakeFromAny(BlockingCollection<T>[] collections, out T? item, int millisecondsTimeout) =>
        TryTakeFromAny(collections, out item, millisecondsTimeout, CancellationToken.None);

    public static int TryTakeFromAny(BlockingCollection<T>[] collections, out T? item, int millisecondsTimeout, CancellationToken cancellationToken)
    {
        TwinWaits.Validate(millisecondsTimeout);
        ValidateCollections(collections, adding: false);
        return TryTakeFromAnyWithin(collections, out item, millisecondsTimeout, throwWhenAllDone: false, cancellationToken);
    }

    private bool TryAddWithin(T item, int millisecondsTimeout, CancellationToken cancellationToken)
    {
        CheckDisposed();
        cancellationToken.ThrowIfCancellationRequested();
        if (_addingCompleted)
        {
            throw new InvalidOperationException("The collection has been marked as complete with regards to additions.");
        }

        using var registration = TwinWaits.WakeOn(cancellationToken, s_gate);
        var deadline = TwinWaits.Deadline(millisecondsTimeout);
        lock (s_gate)
        {
            // Again under the gate, with the add: the runtime's CompleteAdding waits for the Adds already under way, so
            // an Add that returns after CompleteAdding has returned is never left untaken. Checked only before the gate,
            // a CompleteAdding in between let this Add in after the consumers had stopped (Coyote found it in kata 08's
            // blocking-collection-buffer fixture, interleaving 72).
            if (_addingCompleted)
            {
                throw new InvalidOperationException("The collection has been marked as complete with regards to additions.");
            }

            while (!HasRoom)
            {
                if (!Wait(deadline, cancellationToken))
                {
                    return false;
                }

                CheckDisposed();
                if (_addingCompleted)
                {
                    throw new InvalidOperationException("CompleteAdding may not be used concurrently with additions to the collection.");
                }
            }

            if (!_items.TryAdd(item))
            {
                throw new InvalidOperationException("The underlying collection didn't accept the item.");
            }

            Monitor.PulseAll(s_gate);
            return true;
        }
    }

    private bool TryTakeWithin(out T item, int millisecondsTimeout, CancellationToken cancellationToken)
    {
        CheckDisposed();
        cancellationToken.ThrowIfCancellationRequested();
        item = default!;
        if (IsCompleted)
        {
            return false;
        }

        using var registration = TwinWaits.WakeOn(cancellationToken, s_gate);
        var deadline = TwinWaits.Deadline(millisecondsTimeout);
        lock (s_gate)
        {
            while (true)
            {
                if (_items.TryTake(out item!))
                {
                    Monitor.PulseAll(s_gate);
                    return true;
                }

                if (_addingCompleted || !Wait(deadline, cancellationToken))
                {
                    item = default!;
                    return false;
                }

                CheckDisposed();
            }
        }
    }

    private static int TryAddToAnyWithin(BlockingCollection<T>[] collections, T item, int millisecondsTimeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var registration = TwinWaits.WakeOn(cancellationToken, s_gate);
        var deadline = TwinWaits.Deadline(millisecondsTimeout);
        lock (s_gate)
        {
            while (true)
            {
                for (var i = 0; i < collections.Length; i++)
                {
                    var collection = collections[i];
                    collection.CheckDisposed();
                    if (!collection._addingCompleted && collection.HasRoom)
                    {
                        if (!collection._items.TryAdd(item))
                        {
                            throw new InvalidOperationException("The underlying collection didn't accept the item.");
                        }

                        Monitor.PulseAll(s_gate);
                        return i;
                    }
                }

                if (collections.All(collection => collection._addingCompleted))
                {
                    throw new ArgumentException("At least one of the specified collections is marked as complete with regards to additions.", nameof(collections));
                }

                if (!Wait(deadline, cancellationToken))
                {
                    return -1;
                }
            }
        }
    }

    private static int TryTakeFromAnyWithin(BlockingCollection<T>[] collections, out T? item, int millisecondsTimeout, bool throwWhenAllDone,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var registration = TwinWaits.WakeOn(cancellationToken, s_gate);
        var deadline = TwinWaits.Deadline(millisecondsTimeout);
        lock (s_gate)
        {
            while (true)
            {
                for (var i = 0; i < collections.Length; i++)
                {
                    collections[i].CheckDisposed();
                    if (collections[i]._items.TryTake(out item))
                    {
                        Monitor.PulseAll(s_gate);
                        return i;
                    }
                }

                item = default;
                if (collections.All(collection => collection._addingCompleted))
                {
                    return throwWhenAllDone
                        ? throw new ArgumentException("All collections are marked as complete with regards to additions.", nameof(collections))
                        : -1;
                }

                if (!Wait(deadline, cancellationToken))
                {
                    return -1;
                }
            }
        }
    }

    /// <summary>Waits on the gate (held) until pulsed: false once the deadline has passed; throws when canceled.</summary>
    private static bool Wait(long deadline, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!TwinWaits.Wait(s_gate, deadline))
        {
            return false;
        }

        cancellationToken.ThrowIfCancellationRequested();
        return true;
    }

    private static void ValidateCollections(BlockingCollection<T>[] collections, bool adding)
    {
        ArgumentNullException.ThrowIfNull(collections);
        if (collections.Length < 1)
        {
            throw new ArgumentException("The collections argument is a zero-length array.", nameof(collections));
        }

        if (collections.Length > 63)
        {
            throw new ArgumentOutOfRangeException(nameof(collections),
                "The collections length is greater than the supported range for 63 collections.");
        }

        foreach (var collection in collections)
        {
            if (collection is null)
            {
                throw new ArgumentException("The collections argument contains at least one null element.", nameof(collections));
            }

            if (collection._disposed)
            {
                throw new ObjectDisposedException(nameof(collections), "The collections argument contains at least one disposed element.");
            }

            if (adding && collection._addingCompleted)
            {
                throw new ArgumentException("At least one of the specified collections is marked as complete with regards to additions.", nameof(collections));
            }
        }
    }

    private void CheckDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
