extern alias twins;
using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;
using static Katas.Grading.Tests.TwinScript;
using RuntimeCollection = System.Collections.Concurrent.BlockingCollection<int>;
using TwinCollection = twins::System.Collections.Concurrent.BlockingCollection<int>;

namespace Katas.Grading.Tests;

/// <summary>
/// The controlled twin of BlockingCollection&lt;T&gt; (graders/Katas.Grading/Twins/BlockingCollection.cs) must behave as
/// the runtime's type for every use a student can make of it. Each script runs once on the runtime's type and once on the
/// twin, on real threads, and records what every call returned or threw: the two records must be the same, call by call.
/// Instance members are called through `dynamic`, the static *Any members through reflection.
/// </summary>
public sealed class TwinCollectionTests
{
    private static readonly Dictionary<string, Action<Type, CallTrace>> s_scripts = new()
    {
        ["unbounded: add, take, complete"] = (type, t) =>
        {
            dynamic c = New(type);
            t.Get("BoundedCapacity", () => c.BoundedCapacity);
            t.Do("Add(1)", () => c.Add(1));
            t.Do("Add(2)", () => c.Add(2));
            t.Get("TryAdd(3)", () => c.TryAdd(3));
            t.Get("Count", () => c.Count);
            t.Get("ToArray", () => Show(c.ToArray()));
            t.Get("TryTake", () => TryTake(c));
            t.Get("Take", () => c.Take());
            t.Get("IsAddingCompleted", () => c.IsAddingCompleted);
            t.Do("CompleteAdding", () => c.CompleteAdding());
            t.Do("CompleteAdding", () => c.CompleteAdding());
            t.Get("IsAddingCompleted", () => c.IsAddingCompleted);
            t.Get("IsCompleted", () => c.IsCompleted);
            t.Do("Add(4)", () => c.Add(4));
            t.Get("TryAdd(4)", () => c.TryAdd(4));
            t.Get("Take", () => c.Take());
            t.Get("IsCompleted", () => c.IsCompleted);
            t.Get("Take", () => c.Take());
            t.Get("TryTake", () => TryTake(c));
            t.Get("TryTake(20)", () => TryTake(c, 20));
            t.Get("Count", () => c.Count);
        },
        ["bounded: full and freed"] = (type, t) =>
        {
            dynamic c = New(type, 2);
            t.Get("BoundedCapacity", () => c.BoundedCapacity);
            t.Get("TryAdd(1)", () => c.TryAdd(1));
            t.Get("TryAdd(2, 0)", () => c.TryAdd(2, 0));
            t.Get("TryAdd(3)", () => c.TryAdd(3));
            t.Get("TryAdd(3, 20)", () => c.TryAdd(3, 20));
            t.Get("TryAdd(3, 20 ms)", () => c.TryAdd(3, TimeSpan.FromMilliseconds(20)));
            t.Get("Count", () => c.Count);
            t.Get("Take", () => c.Take());
            t.Get("TryAdd(3)", () => c.TryAdd(3));
            t.Get("ToArray", () => Show(c.ToArray()));
            t.Get("TryTake(out, 20 ms)", () => TryTake(c, TimeSpan.FromMilliseconds(20)));
        },
        ["another underlying collection"] = (type, t) =>
        {
            dynamic stack = New(type, new ConcurrentStack<int>());
            t.Do("Add(1)", () => stack.Add(1));
            t.Do("Add(2)", () => stack.Add(2));
            t.Get("Take from a stack", () => stack.Take());
            t.Get("BoundedCapacity", () => stack.BoundedCapacity);
            dynamic full = New(type, new ConcurrentQueue<int>([1, 2]), 2);
            t.Get("Count", () => full.Count);
            t.Get("TryAdd(3)", () => full.TryAdd(3));
        },
        ["constructor arguments"] = (type, t) =>
        {
            t.Get("new(0)", () => New(type, 0));
            t.Get("new(-1)", () => New(type, -1));
            t.Get("new(null)", () => New(type, new object?[] { null }));
            t.Get("new(null, 0)", () => New(type, null, 0));
            t.Get("new(null, 1)", () => New(type, null, 1));
            t.Get("new(3 items, 2)", () => New(type, new ConcurrentQueue<int>([1, 2, 3]), 2));
            t.Get("new(3 items, 0)", () => New(type, new ConcurrentQueue<int>([1, 2, 3]), 0));
        },
        ["time-outs out of range"] = (type, t) =>
        {
            dynamic c = New(type, 1);
            t.Get("TryAdd(1, -2)", () => c.TryAdd(1, -2));
            t.Get("TryAdd(1, -2 ms)", () => c.TryAdd(1, TimeSpan.FromMilliseconds(-2)));
            t.Get("TryAdd(1, int.MaxValue + 1 ms)", () => c.TryAdd(1, TimeSpan.FromMilliseconds(int.MaxValue + 1.0)));
            t.Get("TryTake(out, -2)", () => TryTake(c, -2));
            t.Get("TryTake(out, -2 ms)", () => TryTake(c, TimeSpan.FromMilliseconds(-2)));
            t.Get("Count", () => c.Count);
        },
        ["a canceled token"] = (type, t) =>
        {
            dynamic c = New(type);
            using var canceled = new CancellationTokenSource();
            canceled.Cancel();
            t.Do("Add(1, canceled)", () => c.Add(1, canceled.Token));
            t.Get("TryAdd(1, 0, canceled)", () => c.TryAdd(1, 0, canceled.Token));
            t.Do("Add(1)", () => c.Add(1));
            t.Get("Take(canceled)", () => c.Take(canceled.Token));
            t.Get("TryTake(out, 0, canceled)", () => TryTake(c, 0, canceled.Token));
            t.Get("consuming with canceled", () => Show(((IEnumerable<int>)c.GetConsumingEnumerable(canceled.Token)).Take(1)));
            t.Get("Count", () => c.Count);
            t.Do("CompleteAdding", () => c.CompleteAdding());
            t.Get("TryAdd(1, -2, canceled) when complete", () => c.TryAdd(1, -2, canceled.Token));
        },
        ["disposed"] = (type, t) =>
        {
            dynamic c = New(type, 2);
            t.Do("Add(1)", () => c.Add(1));
            t.Do("Dispose", () => c.Dispose());
            t.Get("Count", () => c.Count);
            t.Get("BoundedCapacity", () => c.BoundedCapacity);
            t.Get("IsAddingCompleted", () => c.IsAddingCompleted);
            t.Get("IsCompleted", () => c.IsCompleted);
            t.Do("Add(2)", () => c.Add(2));
            t.Get("TryAdd(2, -2)", () => c.TryAdd(2, -2));
            t.Get("Take", () => c.Take());
            t.Get("TryTake", () => TryTake(c));
            t.Do("CompleteAdding", () => c.CompleteAdding());
            t.Get("ToArray", () => c.ToArray());
            t.Get("GetConsumingEnumerable()", () => c.GetConsumingEnumerable() is IEnumerable<int>);
            t.Get("consuming", () => Show((IEnumerable<int>)c.GetConsumingEnumerable()));
            t.Get("enumerating", () => Show((IEnumerable<int>)c));
            t.Do("Dispose", () => c.Dispose());
        },
        ["enumerating"] = (type, t) =>
        {
            dynamic c = New(type);
            t.Do("Add(1)", () => c.Add(1));
            t.Do("Add(2)", () => c.Add(2));
            t.Get("enumerating (a snapshot, takes nothing)", () => Show((IEnumerable<int>)c));
            t.Get("non-generic enumerating", () => Show(((IEnumerable)c).Cast<int>()));
            t.Get("Count", () => c.Count);
            t.Do("CompleteAdding", () => c.CompleteAdding());
            t.Get("consuming", () => Show((IEnumerable<int>)c.GetConsumingEnumerable()));
            t.Get("Count", () => c.Count);
            t.Get("IsCompleted", () => c.IsCompleted);
            t.Get("consuming again", () => Show((IEnumerable<int>)c.GetConsumingEnumerable()));
        },
        ["copying"] = (type, t) =>
        {
            dynamic c = New(type);
            t.Do("Add(1)", () => c.Add(1));
            t.Do("Add(2)", () => c.Add(2));
            var array = new int[3];
            t.Do("CopyTo(array, 1)", () => c.CopyTo(array, 1));
            t.Get("array", () => Show(array));
            t.Do("CopyTo(null, 0)", () => c.CopyTo(null, 0));
            t.Do("CopyTo(array, -1)", () => c.CopyTo(array, -1));
            t.Do("CopyTo(array, 2)", () => c.CopyTo(array, 2));
            var collection = (ICollection)c;
            t.Get("IsSynchronized", () => collection.IsSynchronized);
            t.Get("SyncRoot", () => collection.SyncRoot);
            var objects = new object[2];
            t.Do("ICollection.CopyTo(object[], 0)", () => collection.CopyTo(objects, 0));
            t.Get("objects", () => string.Join(",", objects));
            t.Do("ICollection.CopyTo(object[], 1)", () => collection.CopyTo(objects, 1));
            t.Do("ICollection.CopyTo(string[], 0)", () => collection.CopyTo(new string[2], 0));
            t.Get("Count of IReadOnlyCollection", () => ((IReadOnlyCollection<int>)c).Count);
        },
        ["any of several"] = (type, t) =>
        {
            dynamic full = New(type, 1);
            dynamic open = New(type);
            full.Add(1);
            var both = Array(type, full, open);
            t.Get("TryAddToAny(2)", () => Any(type, "TryAddToAny", both, 2));
            t.Get("TryAddToAny(3, 0)", () => Any(type, "TryAddToAny", both, 3, 0));
            t.Get("AddToAny(4)", () => Any(type, "AddToAny", both, 4));
            t.Get("TryTakeFromAny", () => Any(type, "TryTakeFromAny", both, 0));
            t.Get("TakeFromAny", () => Any(type, "TakeFromAny", both, 0));
            t.Get("TryTakeFromAny(out, 20 ms)", () => Any(type, "TryTakeFromAny", both, 0, TimeSpan.FromMilliseconds(20)));
            t.Get("TryTakeFromAny(out, 20)", () => Any(type, "TryTakeFromAny", both, 0, 20));
            t.Get("TryTakeFromAny(out, 20)", () => Any(type, "TryTakeFromAny", both, 0, 20));
            t.Get("TryAddToAny(5, -2)", () => Any(type, "TryAddToAny", both, 5, -2));
            t.Get("TryTakeFromAny(out, -2)", () => Any(type, "TryTakeFromAny", both, 0, -2));
            t.Do("CompleteAdding the first", () => full.CompleteAdding());
            t.Get("AddToAny(6) with one complete", () => Any(type, "AddToAny", both, 6));
            t.Get("TryAddToAny(6) with one complete", () => Any(type, "TryAddToAny", both, 6));
            t.Do("CompleteAdding the second", () => open.CompleteAdding());
            t.Get("TryTakeFromAny, all complete", () => Any(type, "TryTakeFromAny", both, 0));
            t.Get("TakeFromAny, all complete", () => Any(type, "TakeFromAny", both, 0));
            t.Get("TryTakeFromAny(null)", () => Any(type, "TryTakeFromAny", null, 0));
            t.Get("TryTakeFromAny([])", () => Any(type, "TryTakeFromAny", Array(type), 0));
            t.Get("TryTakeFromAny([null])", () => Any(type, "TryTakeFromAny", Array(type, new object?[] { null }), 0));
            open.Dispose();
            t.Get("TryTakeFromAny with one disposed", () => Any(type, "TryTakeFromAny", both, 0));
            t.Get("TryAddToAny(7, -2) with one disposed", () => Any(type, "TryAddToAny", both, 7, -2));
        },
        ["a waiting Take goes on when another thread adds"] = (type, t) =>
        {
            dynamic c = New(type);
            var taker = OnThread(() => c.Take());
            Thread.Sleep(30);
            t.Do("Add(5)", () => c.Add(5));
            t.Get("the taker's Take", () => taker.Result());
        },
        ["a waiting Take throws when another thread completes adding"] = (type, t) =>
        {
            dynamic c = New(type);
            var taker = OnThread(() => c.Take());
            var consumer = OnThread(() => Show((IEnumerable<int>)c.GetConsumingEnumerable()));
            var trier = OnThread(() => TryTake(c, 10_000));
            Thread.Sleep(30);
            t.Do("CompleteAdding", () => c.CompleteAdding());
            t.Get("the taker's Take", () => taker.Result());
            t.Get("the consumer's loop", () => consumer.Result());
            t.Get("the trier's TryTake(10 s)", () => trier.Result());
        },
        ["a waiting Add goes on when another thread takes"] = (type, t) =>
        {
            dynamic c = New(type, 1);
            c.Add(1);
            var adder = OnThread(() => c.TryAdd(2, 10_000));
            Thread.Sleep(30);
            t.Get("the adder has returned", () => adder.Done);
            t.Get("Take", () => c.Take());
            t.Get("the adder's TryAdd(2, 10 s)", () => adder.Result());
            t.Get("ToArray", () => Show(c.ToArray()));
        },
        ["a waiting Add throws when another thread completes adding"] = (type, t) =>
        {
            dynamic c = New(type, 1);
            c.Add(1);
            var adder = OnThread(() => c.TryAdd(2, 10_000));
            Thread.Sleep(30);
            t.Do("CompleteAdding", () => c.CompleteAdding());
            t.Get("the adder's TryAdd(2, 10 s)", () => adder.Result());
            t.Get("Count", () => c.Count);
        },
        ["waits stop when their token is canceled"] = (type, t) =>
        {
            dynamic empty = New(type);
            dynamic full = New(type, 1);
            full.Add(1);
            using var cancel = new CancellationTokenSource();
            var taker = OnThread(() => empty.Take(cancel.Token));
            var adder = OnThread(() => full.TryAdd(2, 10_000, cancel.Token));
            Thread.Sleep(30);
            t.Do("Cancel", cancel.Cancel);
            t.Get("the taker's Take(token)", () => taker.Result());
            t.Get("the adder's TryAdd(2, 10 s, token)", () => adder.Result());
        },
        ["TakeFromAny waits for any of its collections"] = (type, t) =>
        {
            dynamic first = New(type);
            dynamic second = New(type);
            var taker = OnThread(() => Any(type, "TakeFromAny", Array(type, first, second), 0));
            Thread.Sleep(30);
            t.Do("second.Add(9)", () => second.Add(9));
            t.Get("the taker's TakeFromAny", () => taker.Result());
        },
    };

    public static IEnumerable<string> Scripts => s_scripts.Keys;

    [TestCaseSource(nameof(Scripts))]
    public void The_twin_does_what_the_runtimes_BlockingCollection_does(string script)
    {
        CallTrace.MustBeTheSame(
            "BlockingCollection<int>", t => s_scripts[script](typeof(RuntimeCollection), t), t => s_scripts[script](typeof(TwinCollection), t));
    }

    [Test]
    public void The_twin_has_every_public_and_protected_member_of_the_runtimes_BlockingCollection()
    {
        MustHaveTheSurfaceOf(typeof(TwinCollection), typeof(RuntimeCollection));
    }

    private static Array Array(Type type, params object?[] collections)
    {
        var array = System.Array.CreateInstance(type, collections.Length);
        for (var i = 0; i < collections.Length; i++)
        {
            array.SetValue(collections[i], i);
        }

        return array;
    }

    /// <summary>Calls a static *Any member; the result is "index, item" (the item of a take, or the item added).</summary>
    private static string Any(Type type, string name, Array? collections, int item, params object[] timeout)
    {
        var arguments = new object?[] { collections, item }.Concat(timeout).ToArray();
        var method = type.GetMethods(BindingFlags.Public | BindingFlags.Static).Single(m => m.Name == name &&
            m.GetParameters().Length == arguments.Length &&
            (timeout.Length == 0 || m.GetParameters()[2].ParameterType == timeout[0].GetType()));
        try
        {
            var index = method.Invoke(null, arguments);
            return $"{index}, {arguments[1]}";
        }
        catch (TargetInvocationException e) when (e.InnerException is { } thrown)
        {
            ExceptionDispatchInfo.Capture(thrown).Throw();
            throw;
        }
    }

    private static string TryTake(dynamic collection, params object[] rest)
    {
        int item;
        bool taken = rest.Length switch
        {
            0 => collection.TryTake(out item),
            1 when rest[0] is int milliseconds => collection.TryTake(out item, milliseconds),
            1 => collection.TryTake(out item, (TimeSpan)rest[0]),
            _ => collection.TryTake(out item, (int)rest[0], (CancellationToken)rest[1]),
        };
        return $"{taken}, {item}";
    }

    private static string Show(IEnumerable<int> items) => "[" + string.Join(",", items) + "]";
}
