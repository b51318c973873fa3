extern alias twins;
using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using static Katas.Grading.Tests.TwinScript;
using RuntimeChannel = System.Threading.Channels.Channel;
using TwinChannel = twins::System.Threading.Channels.Channel;

namespace Katas.Grading.Tests;

/// <summary>
/// The controlled twin of the static Channel (graders/Katas.Grading/Twins/Channel.cs) must make channels that behave as
/// the runtime's for every use a student can make of them. Both factories return the runtime's Channel&lt;T&gt;, so each
/// script runs once on channels of the runtime's factory and once on channels of the twin's, and records what every
/// call returned or threw (a ChannelClosedException with its inner exception): the two records must be the same, call
/// by call. A call that waits is recorded as pending, then as what ended it; no script sleeps.
/// </summary>
public sealed class TwinChannelTests
{
    private static readonly Dictionary<string, Action<Type, CallTrace>> s_scripts = new()
    {
        ["unbounded: write, peek, count, read, complete"] = (factory, t) =>
        {
            var c = Create(factory, "CreateUnbounded");
            Describe(c, t);
            t.Get("TryWrite(1)", () => c.Writer.TryWrite(1));
            t.Get("WriteAsync(2)", () => Await(c.Writer.WriteAsync(2)));
            t.Get("WaitToWriteAsync", () => Await(c.Writer.WaitToWriteAsync()));
            t.Get("Count", () => c.Reader.Count);
            t.Get("TryPeek", () => TryPeek(c));
            t.Get("WaitToReadAsync", () => Await(c.Reader.WaitToReadAsync()));
            t.Get("TryRead", () => TryRead(c));
            t.Get("ReadAsync", () => Await(c.Reader.ReadAsync()));
            t.Get("TryRead empty", () => TryRead(c));
            t.Get("TryPeek empty", () => TryPeek(c));
            t.Get("TryWrite(3)", () => c.Writer.TryWrite(3));
            t.Do("Complete", () => c.Writer.Complete());
            t.Get("Completion, not drained", () => Pending(c.Reader.Completion));
            t.Do("Complete again", () => c.Writer.Complete());
            t.Get("TryComplete", () => c.Writer.TryComplete());
            t.Get("TryWrite(4)", () => c.Writer.TryWrite(4));
            t.Get("WriteAsync(4)", () => Await(c.Writer.WriteAsync(4)));
            t.Get("WaitToWriteAsync", () => Await(c.Writer.WaitToWriteAsync()));
            t.Get("WaitToReadAsync", () => Await(c.Reader.WaitToReadAsync()));
            t.Get("ReadAsync", () => Await(c.Reader.ReadAsync()));
            t.Get("Completion", () => Show(c.Reader.Completion));
            t.Get("WaitToReadAsync drained", () => Await(c.Reader.WaitToReadAsync()));
            t.Get("ReadAsync drained", () => Await(c.Reader.ReadAsync()));
            t.Get("TryRead drained", () => TryRead(c));
            t.Get("Count", () => c.Reader.Count);
        },
        ["bounded, Wait mode: full and freed"] = (factory, t) =>
        {
            var c = Create(factory, "CreateBounded", 2);
            Describe(c, t);
            t.Get("TryWrite(1)", () => c.Writer.TryWrite(1));
            t.Get("WriteAsync(2)", () => Await(c.Writer.WriteAsync(2)));
            t.Get("TryWrite(3) when full", () => c.Writer.TryWrite(3));
            var waitToWrite = c.Writer.WaitToWriteAsync().AsTask();
            var write3 = c.Writer.WriteAsync(3).AsTask();
            var write4 = c.Writer.WriteAsync(4).AsTask();
            t.Get("WaitToWriteAsync, WriteAsync(3), WriteAsync(4) pending", () => Pending(waitToWrite, write3, write4));
            t.Get("Count", () => c.Reader.Count);
            t.Get("TryRead", () => TryRead(c));
            t.Get("WriteAsync(3)", () => Show(write3));
            t.Get("WriteAsync(4) pending", () => Pending(write4));
            t.Get("Count", () => c.Reader.Count);
            t.Get("ReadAsync", () => Await(c.Reader.ReadAsync()));
            t.Get("WriteAsync(4)", () => Show(write4));
            t.Get("TryRead", () => TryRead(c));
            t.Get("WaitToWriteAsync", () => Show(waitToWrite));
            t.Get("TryRead", () => TryRead(c));
            t.Get("WaitToWriteAsync now", () => Await(c.Writer.WaitToWriteAsync()));
            t.Get("TryRead empty", () => TryRead(c));
        },
        ["bounded, options: Wait mode, capacity 1"] = (factory, t) =>
        {
            var dropped = new List<int>();
            var c = Create(factory, "CreateBounded", new BoundedChannelOptions(1) { SingleWriter = true }, (Action<int>)dropped.Add);
            Describe(c, t);
            t.Get("TryWrite(1)", () => c.Writer.TryWrite(1));
            t.Get("TryWrite(2)", () => c.Writer.TryWrite(2));
            t.Get("TryPeek", () => TryPeek(c));
            t.Get("dropped", () => string.Join(",", dropped));
        },
        ["bounded, DropNewest"] = (factory, t) => DropScript(factory, t, BoundedChannelFullMode.DropNewest),
        ["bounded, DropOldest"] = (factory, t) => DropScript(factory, t, BoundedChannelFullMode.DropOldest),
        ["bounded, DropWrite"] = (factory, t) => DropScript(factory, t, BoundedChannelFullMode.DropWrite),
        ["bounded, DropOldest without itemDropped"] = (factory, t) =>
        {
            var c = Create(factory, "CreateBounded", new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
            t.Get("TryWrite(1)", () => c.Writer.TryWrite(1));
            t.Get("TryWrite(2)", () => c.Writer.TryWrite(2));
            t.Get("TryRead", () => TryRead(c));
        },
        ["factory arguments"] = (factory, t) =>
        {
            t.Get("CreateBounded(0)", () => Create(factory, "CreateBounded", 0) is not null);
            t.Get("CreateBounded(-1)", () => Create(factory, "CreateBounded", -1));
            t.Get("CreateBounded(null options)", () => Create(factory, "CreateBounded", typeof(BoundedChannelOptions)));
            t.Get("CreateBounded(null options, itemDropped)", () => Create(factory, "CreateBounded", typeof(BoundedChannelOptions), (Action<int>)(_ => { })));
            t.Get("CreateUnbounded(null options)", () => Create(factory, "CreateUnbounded", typeof(UnboundedChannelOptions)));
            t.Get("CreateUnboundedPrioritized(null options)", () => Create(factory, "CreateUnboundedPrioritized", typeof(UnboundedPrioritizedChannelOptions<int>)));
            t.Get("CreateBounded(options, null itemDropped)", () => Create(factory, "CreateBounded", new BoundedChannelOptions(1), typeof(Action<int>)) is not null);
        },
        ["complete with an error"] = (factory, t) =>
        {
            var c = Create(factory, "CreateBounded", 2);
            c.Writer.TryWrite(1);
            t.Do("Complete(error)", () => c.Writer.Complete(new InvalidOperationException("boom")));
            t.Get("Completion, not drained", () => Pending(c.Reader.Completion));
            t.Do("Complete again", () => c.Writer.Complete());
            t.Get("TryWrite(2)", () => c.Writer.TryWrite(2));
            t.Get("WriteAsync(2)", () => Await(c.Writer.WriteAsync(2)));
            t.Get("WaitToWriteAsync", () => Await(c.Writer.WaitToWriteAsync()));
            t.Get("WaitToReadAsync", () => Await(c.Reader.WaitToReadAsync()));
            t.Get("ReadAsync", () => Await(c.Reader.ReadAsync()));
            t.Get("Completion", () => Show(c.Reader.Completion));
            t.Get("WaitToReadAsync drained", () => Await(c.Reader.WaitToReadAsync()));
            t.Get("ReadAsync drained", () => Await(c.Reader.ReadAsync()));
            t.Get("ReadAllAsync drained", () => ReadAll(c));
        },
        ["complete with OperationCanceledException"] = (factory, t) =>
        {
            var c = Create(factory, "CreateUnbounded");
            using var source = new CancellationTokenSource();
            source.Cancel();
            t.Get("TryComplete(canceled)", () => c.Writer.TryComplete(new OperationCanceledException(source.Token)));
            t.Get("Completion", () => Show(c.Reader.Completion));
            t.Get("WriteAsync(1)", () => Await(c.Writer.WriteAsync(1)));
            t.Get("WaitToWriteAsync", () => Await(c.Writer.WaitToWriteAsync()));
            t.Get("WaitToReadAsync", () => Await(c.Reader.WaitToReadAsync()));
            t.Get("ReadAsync", () => Await(c.Reader.ReadAsync()));
            var d = Create(factory, "CreateBounded", 1);
            t.Get("TryComplete(canceled, no token)", () => d.Writer.TryComplete(new OperationCanceledException()));
            t.Get("Completion", () => Show(d.Reader.Completion));
            t.Get("ReadAsync", () => Await(d.Reader.ReadAsync()));
            t.Get("WriteAsync(1)", () => Await(d.Writer.WriteAsync(1)));
        },
        ["a canceled token: nothing happens"] = (factory, t) =>
        {
            using var source = new CancellationTokenSource();
            source.Cancel();
            var token = source.Token;
            foreach (var (name, c) in new[] { ("unbounded", Create(factory, "CreateUnbounded")), ("bounded", Create(factory, "CreateBounded", 1)) })
            {
                t.Get($"{name}: WriteAsync(1, canceled)", () => Await(c.Writer.WriteAsync(1, token)));
                t.Get($"{name}: WaitToWriteAsync(canceled)", () => Await(c.Writer.WaitToWriteAsync(token)));
                t.Get($"{name}: Count", () => c.Reader.Count);
                t.Get($"{name}: ReadAsync(canceled), empty", () => Await(c.Reader.ReadAsync(token)));
                t.Get($"{name}: WaitToReadAsync(canceled), empty", () => Await(c.Reader.WaitToReadAsync(token)));
                t.Get($"{name}: TryWrite(1)", () => c.Writer.TryWrite(1));
                t.Get($"{name}: ReadAsync(canceled)", () => Await(c.Reader.ReadAsync(token)));
                t.Get($"{name}: WaitToReadAsync(canceled)", () => Await(c.Reader.WaitToReadAsync(token)));
                t.Get($"{name}: ReadAllAsync(canceled)", () => ReadAll(c, token));
                t.Get($"{name}: Count", () => c.Reader.Count);
                t.Do($"{name}: Complete", () => c.Writer.Complete());
                t.Get($"{name}: WriteAsync(2, canceled) when complete", () => Await(c.Writer.WriteAsync(2, token)));
                t.Get($"{name}: TryRead", () => TryRead(c));
                t.Get($"{name}: ReadAsync(canceled) when drained", () => Await(c.Reader.ReadAsync(token)));
            }
        },
        ["waits ended by a write"] = (factory, t) =>
        {
            foreach (var (name, c) in new[] { ("unbounded", Create(factory, "CreateUnbounded")), ("bounded", Create(factory, "CreateBounded", 3)) })
            {
                var read = c.Reader.ReadAsync().AsTask();
                var read2 = c.Reader.ReadAsync().AsTask();
                var wait = c.Reader.WaitToReadAsync().AsTask();
                t.Get($"{name}: ReadAsync, ReadAsync, WaitToReadAsync pending", () => Pending(read, read2, wait));
                t.Get($"{name}: TryWrite(1)", () => c.Writer.TryWrite(1));
                t.Get($"{name}: the first ReadAsync", () => Show(read));
                t.Get($"{name}: the second ReadAsync and WaitToReadAsync pending", () => Pending(read2, wait));
                t.Get($"{name}: WriteAsync(2)", () => Await(c.Writer.WriteAsync(2)));
                t.Get($"{name}: the second ReadAsync", () => Show(read2));
                t.Get($"{name}: WaitToReadAsync pending", () => Pending(wait));
                t.Get($"{name}: TryWrite(3)", () => c.Writer.TryWrite(3));
                t.Get($"{name}: WaitToReadAsync", () => Show(wait));
                t.Get($"{name}: Count", () => c.Reader.Count);
            }
        },
        ["waits ended by completion"] = (factory, t) =>
        {
            var c = Create(factory, "CreateBounded", 1);
            var read = c.Reader.ReadAsync().AsTask();
            var waitToRead = c.Reader.WaitToReadAsync().AsTask();
            var all = ReadAllTask(c);
            t.Get("ReadAsync, WaitToReadAsync pending", () => Pending(read, waitToRead));
            t.Do("Complete", () => c.Writer.Complete());
            t.Get("ReadAsync", () => Show(read));
            t.Get("WaitToReadAsync", () => Show(waitToRead));
            t.Get("ReadAllAsync", () => Show(all));
            t.Get("Completion", () => Show(c.Reader.Completion));
            var full = Create(factory, "CreateBounded", 1);
            full.Writer.TryWrite(1);
            var write = full.Writer.WriteAsync(2).AsTask();
            var waitToWrite = full.Writer.WaitToWriteAsync().AsTask();
            t.Get("full: WriteAsync, WaitToWriteAsync pending", () => Pending(write, waitToWrite));
            t.Do("full: Complete", () => full.Writer.Complete());
            t.Get("full: WriteAsync", () => Show(write));
            t.Get("full: WaitToWriteAsync", () => Show(waitToWrite));
            t.Get("full: Completion pending", () => Pending(full.Reader.Completion));
            t.Get("full: ReadAsync", () => Await(full.Reader.ReadAsync()));
            t.Get("full: Completion", () => Show(full.Reader.Completion));
            t.Get("full: TryRead", () => TryRead(full));
        },
        ["waits ended by completion with an error"] = (factory, t) =>
        {
            var c = Create(factory, "CreateUnbounded");
            var read = c.Reader.ReadAsync().AsTask();
            var waitToRead = c.Reader.WaitToReadAsync().AsTask();
            var all = ReadAllTask(c);
            var full = Create(factory, "CreateBounded", 1);
            full.Writer.TryWrite(1);
            var write = full.Writer.WriteAsync(2).AsTask();
            var waitToWrite = full.Writer.WaitToWriteAsync().AsTask();
            t.Get("pending", () => Pending(read, waitToRead, write, waitToWrite));
            t.Do("Complete(error)", () => c.Writer.Complete(new TimeoutException()));
            t.Do("full: Complete(error)", () => full.Writer.Complete(new TimeoutException()));
            t.Get("ReadAsync", () => Show(read));
            t.Get("WaitToReadAsync", () => Show(waitToRead));
            t.Get("ReadAllAsync", () => Show(all));
            t.Get("Completion", () => Show(c.Reader.Completion));
            t.Get("full: WriteAsync", () => Show(write));
            t.Get("full: WaitToWriteAsync", () => Show(waitToWrite));
            t.Get("full: TryRead", () => TryRead(full));
            t.Get("full: Completion", () => Show(full.Reader.Completion));
        },
        ["waits ended by their token; nothing lost"] = (factory, t) =>
        {
            var c = Create(factory, "CreateBounded", 1);
            using var source = new CancellationTokenSource();
            var read = c.Reader.ReadAsync(source.Token).AsTask();
            var waitToRead = c.Reader.WaitToReadAsync(source.Token).AsTask();
            var all = ReadAllTask(c, source.Token);
            t.Get("ReadAsync, WaitToReadAsync pending", () => Pending(read, waitToRead));
            t.Do("Cancel", source.Cancel);
            t.Get("ReadAsync", () => Show(read));
            t.Get("WaitToReadAsync", () => Show(waitToRead));
            t.Get("ReadAllAsync", () => Show(all));
            t.Get("TryWrite(5) after the canceled read", () => c.Writer.TryWrite(5));
            t.Get("Count", () => c.Reader.Count);
            t.Get("TryRead", () => TryRead(c));
            using var writeSource = new CancellationTokenSource();
            t.Get("TryWrite(1)", () => c.Writer.TryWrite(1));
            var write = c.Writer.WriteAsync(2, writeSource.Token).AsTask();
            var waitToWrite = c.Writer.WaitToWriteAsync(writeSource.Token).AsTask();
            var write3 = c.Writer.WriteAsync(3).AsTask();
            t.Get("WriteAsync(2), WaitToWriteAsync, WriteAsync(3) pending", () => Pending(write, waitToWrite, write3));
            t.Do("Cancel the writes", writeSource.Cancel);
            t.Get("WriteAsync(2)", () => Show(write));
            t.Get("WaitToWriteAsync", () => Show(waitToWrite));
            t.Get("WriteAsync(3) pending", () => Pending(write3));
            t.Get("TryRead", () => TryRead(c));
            t.Get("WriteAsync(3)", () => Show(write3));
            t.Get("TryRead", () => TryRead(c));
            t.Get("TryRead", () => TryRead(c));
            t.Get("Completion", () => Pending(c.Reader.Completion));
        },
        ["ReadAllAsync"] = (factory, t) =>
        {
            var c = Create(factory, "CreateBounded", 2);
            var all = ReadAllTask(c);
            t.Get("ReadAllAsync pending", () => Pending(all));
            for (var i = 1; i <= 5; i++)
            {
                var item = i;
                t.Get($"WriteAsync({item})", () => Await(c.Writer.WriteAsync(item)));
            }

            t.Do("Complete", () => c.Writer.Complete());
            t.Get("ReadAllAsync", () => Show(all));
            t.Get("Completion", () => Show(c.Reader.Completion));
            var d = Create(factory, "CreateUnbounded");
            d.Writer.TryWrite(1);
            d.Writer.TryWrite(2);
            d.Writer.Complete();
            t.Get("ReadAllAsync of a completed channel", () => ReadAll(d));
            t.Get("ReadAllAsync again", () => ReadAll(d));
        },
        ["ReadAllAsync: tokens, enumerators, after the end"] = (factory, t) =>
        {
            var c = Create(factory, "CreateUnbounded");
            using var first = new CancellationTokenSource();
            using var second = new CancellationTokenSource();
            var byEnumeratorToken = ReadAllTask(c, enumeratorCancellation: first.Token);
            var byBoth = ReadAllTask(c, second.Token, first.Token);
            t.Get("pending", () => Pending(byEnumeratorToken, byBoth));
            t.Do("Cancel the enumerator token", first.Cancel);
            t.Get("ReadAllAsync().WithCancellation(canceled)", () => Show(byEnumeratorToken));
            t.Get("ReadAllAsync(token).WithCancellation(canceled)", () => Show(byBoth));
            c.Writer.TryWrite(1);
            c.Writer.TryWrite(2);
            var enumerator = c.Reader.ReadAllAsync().GetAsyncEnumerator();
            t.Get("MoveNextAsync", () => Await(enumerator.MoveNextAsync()));
            t.Get("Current", () => enumerator.Current);
            var two = c.Reader.ReadAllAsync().GetAsyncEnumerator();
            t.Get("another enumerator: MoveNextAsync", () => Await(two.MoveNextAsync()));
            t.Get("another enumerator: Current", () => two.Current);
            var next = enumerator.MoveNextAsync().AsTask();
            t.Get("MoveNextAsync on an empty channel", () => Pending(next));
            t.Do("Complete(error)", () => c.Writer.Complete(new TimeoutException()));
            t.Get("MoveNextAsync", () => Show(next));
            t.Get("MoveNextAsync after the error", () => Await(enumerator.MoveNextAsync()));
            t.Get("DisposeAsync", () => Await(enumerator.DisposeAsync()));
            t.Get("another enumerator after the error", () => Await(two.MoveNextAsync()));
        },
        ["prioritized"] = (factory, t) =>
        {
            var c = Create(factory, "CreateUnboundedPrioritized");
            Describe(c, t);
            foreach (var item in new[] { 5, 1, 3, 1, 4 })
            {
                t.Get($"TryWrite({item})", () => c.Writer.TryWrite(item));
            }

            t.Get("Count", () => c.Reader.Count);
            t.Get("TryPeek", () => TryPeek(c));
            t.Get("TryRead", () => TryRead(c));
            t.Get("ReadAsync", () => Await(c.Reader.ReadAsync()));
            t.Do("Complete", () => c.Writer.Complete());
            t.Get("ReadAllAsync", () => ReadAll(c));
            t.Get("Completion", () => Show(c.Reader.Completion));
            var reversed = Create(factory, "CreateUnboundedPrioritized",
                new UnboundedPrioritizedChannelOptions<int> { Comparer = Comparer<int>.Create((a, b) => b.CompareTo(a)) });
            foreach (var item in new[] { 2, 7, 4 })
            {
                t.Get($"reversed: TryWrite({item})", () => reversed.Writer.TryWrite(item));
            }

            var waiting = Create(factory, "CreateUnboundedPrioritized", new UnboundedPrioritizedChannelOptions<int>());
            var read = waiting.Reader.ReadAsync().AsTask();
            t.Get("ReadAsync pending", () => Pending(read));
            t.Get("TryWrite(9)", () => waiting.Writer.TryWrite(9));
            t.Get("ReadAsync", () => Show(read));
            reversed.Writer.Complete();
            t.Get("reversed: ReadAllAsync", () => ReadAll(reversed));
        },
        ["no buffer (capacity 0): each write meets a read"] = (factory, t) =>
        {
            var c = Create(factory, "CreateBounded", 0);
            Describe(c, t);
            t.Get("TryWrite(1) with no reader", () => c.Writer.TryWrite(1));
            t.Get("TryRead with no writer", () => TryRead(c));
            var waitToWrite = c.Writer.WaitToWriteAsync().AsTask();
            var read = c.Reader.ReadAsync().AsTask();
            t.Get("WaitToWriteAsync", () => Show(waitToWrite));
            t.Get("ReadAsync pending", () => Pending(read));
            t.Get("WaitToWriteAsync with a reader", () => Await(c.Writer.WaitToWriteAsync()));
            t.Get("TryWrite(2)", () => c.Writer.TryWrite(2));
            t.Get("ReadAsync", () => Show(read));
            var waitToRead = c.Reader.WaitToReadAsync().AsTask();
            var write3 = c.Writer.WriteAsync(3).AsTask();
            var write4 = c.Writer.WriteAsync(4).AsTask();
            t.Get("WaitToReadAsync", () => Show(waitToRead));
            t.Get("WriteAsync(3), WriteAsync(4) pending", () => Pending(write3, write4));
            t.Get("Count", () => c.Reader.Count);
            t.Get("TryPeek", () => TryPeek(c));
            t.Get("TryRead", () => TryRead(c));
            t.Get("WriteAsync(3)", () => Show(write3));
            t.Get("ReadAsync", () => Await(c.Reader.ReadAsync()));
            t.Get("WriteAsync(4)", () => Show(write4));
            using var source = new CancellationTokenSource();
            var write5 = c.Writer.WriteAsync(5, source.Token).AsTask();
            source.Cancel();
            t.Get("WriteAsync(5, canceled)", () => Show(write5));
            t.Get("TryRead after the canceled write", () => TryRead(c));
            var write6 = c.Writer.WriteAsync(6).AsTask();
            var read2 = c.Reader.ReadAsync().AsTask();
            t.Get("ReadAsync", () => Show(read2));
            t.Get("WriteAsync(6)", () => Show(write6));
            var write7 = c.Writer.WriteAsync(7).AsTask();
            t.Do("Complete", () => c.Writer.Complete());
            t.Get("WriteAsync(7)", () => Show(write7));
            t.Get("Completion", () => Show(c.Reader.Completion));
            t.Get("TryWrite(8)", () => c.Writer.TryWrite(8));
            t.Get("WaitToReadAsync", () => Await(c.Reader.WaitToReadAsync()));
            t.Get("ReadAsync", () => Await(c.Reader.ReadAsync()));
            var dropped = new List<int>();
            var dropping = Create(factory, "CreateBounded", new BoundedChannelOptions(0) { FullMode = BoundedChannelFullMode.DropOldest }, (Action<int>)dropped.Add);
            t.Get("dropping: TryWrite(1)", () => dropping.Writer.TryWrite(1));
            t.Get("dropping: WriteAsync(2)", () => Await(dropping.Writer.WriteAsync(2)));
            t.Get("dropping: WaitToWriteAsync", () => Await(dropping.Writer.WaitToWriteAsync()));
            var read3 = dropping.Reader.ReadAsync().AsTask();
            t.Get("dropping: TryWrite(3) to a reader", () => dropping.Writer.TryWrite(3));
            t.Get("dropping: ReadAsync", () => Show(read3));
            dropping.Writer.Complete();
            t.Get("dropping: TryWrite(4) when complete", () => dropping.Writer.TryWrite(4));
            t.Get("dropping: WriteAsync(5) when complete", () => Await(dropping.Writer.WriteAsync(5)));
            t.Get("dropping: dropped", () => string.Join(",", dropped));
        },
        ["unbounded options"] = (factory, t) =>
        {
            foreach (var (name, options) in new[]
                     {
                         ("default options", new UnboundedChannelOptions()),
                         ("single writer", new UnboundedChannelOptions { SingleWriter = true }),
                         ("single reader", new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = true }),
                     })
            {
                var c = Create(factory, "CreateUnbounded", options);
                t.Get($"{name}: CanCount, CanPeek", () => $"{c.Reader.CanCount}, {c.Reader.CanPeek}");
                t.Get($"{name}: TryWrite(1)", () => c.Writer.TryWrite(1));
                t.Get($"{name}: Count", () => c.Reader.Count);
                t.Get($"{name}: TryPeek", () => TryPeek(c));
                t.Get($"{name}: TryRead", () => TryRead(c));
                var read = c.Reader.ReadAsync().AsTask();
                t.Get($"{name}: ReadAsync pending", () => Pending(read));
                t.Get($"{name}: TryWrite(2)", () => c.Writer.TryWrite(2));
                t.Get($"{name}: ReadAsync", () => Show(read));
                t.Do($"{name}: Complete", () => c.Writer.Complete());
                t.Get($"{name}: Completion", () => Show(c.Reader.Completion));
            }
        },
    };

    public static IEnumerable<string> Scripts => s_scripts.Keys;

    [TestCaseSource(nameof(Scripts))]
    public void The_twins_channels_do_what_the_runtimes_channels_do(string script)
    {
        CallTrace.MustBeTheSame("Channel", t => s_scripts[script](typeof(RuntimeChannel), t), t => s_scripts[script](typeof(TwinChannel), t));
    }

    [Test]
    public void The_twin_has_every_public_and_protected_member_of_the_runtimes_Channel()
    {
        MustHaveTheSurfaceOf(typeof(TwinChannel), typeof(RuntimeChannel));
    }

    [Test]
    public void The_twins_channels_are_not_the_runtimes()
    {
        // Otherwise every script above would compare the runtime with itself.
        Create(typeof(TwinChannel), "CreateUnbounded").GetType().Assembly.Should().NotBeSameAs(typeof(Channel<int>).Assembly);
        Create(typeof(TwinChannel), "CreateBounded", 1).GetType().Assembly.Should().NotBeSameAs(typeof(Channel<int>).Assembly);
    }

    private static void DropScript(Type factory, CallTrace t, BoundedChannelFullMode mode)
    {
        var dropped = new List<int>();
        var c = Create(factory, "CreateBounded", new BoundedChannelOptions(2) { FullMode = mode }, (Action<int>)dropped.Add);
        t.Get("TryWrite(1)", () => c.Writer.TryWrite(1));
        t.Get("TryWrite(2)", () => c.Writer.TryWrite(2));
        t.Get("TryWrite(3) when full", () => c.Writer.TryWrite(3));
        t.Get("WriteAsync(4) when full", () => Await(c.Writer.WriteAsync(4)));
        t.Get("WaitToWriteAsync when full", () => Await(c.Writer.WaitToWriteAsync()));
        t.Get("dropped", () => string.Join(",", dropped));
        t.Get("Count", () => c.Reader.Count);
        t.Get("TryRead", () => TryRead(c));
        t.Get("TryWrite(5)", () => c.Writer.TryWrite(5));
        t.Get("TryWrite(6) when full", () => c.Writer.TryWrite(6));
        t.Do("Complete", () => c.Writer.Complete());
        t.Get("TryWrite(7) when complete", () => c.Writer.TryWrite(7));
        t.Get("ReadAllAsync", () => ReadAll(c));
        t.Get("dropped", () => string.Join(",", dropped));
    }

    private static void Describe(Channel<int> c, CallTrace t)
    {
        t.Get("CanCount", () => c.Reader.CanCount);
        t.Get("CanPeek", () => c.Reader.CanPeek);
        t.Get("Count", () => c.Reader.Count);
        t.Get("Completion", () => Pending(c.Reader.Completion));
    }

    /// <summary>
    /// A channel of ints from a factory method. An argument that is a Type stands for null of that type (it picks the
    /// overload); what the factory throws is thrown as is.
    /// </summary>
    private static Channel<int> Create(Type factory, string name, params object[] arguments)
    {
        var method = factory.GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.Name == name && m.GetParameters().Length == arguments.Length)
            .Select(m => m.MakeGenericMethod(typeof(int)))
            .Single(m => m.GetParameters().Zip(arguments).All(p => p.Second is Type type
                ? p.First.ParameterType == type
                : p.First.ParameterType.IsInstanceOfType(p.Second)));
        try
        {
            return (Channel<int>)method.Invoke(null, arguments.Select(a => a is Type ? null : a).ToArray())!;
        }
        catch (TargetInvocationException e) when (e.InnerException is { } thrown)
        {
            ExceptionDispatchInfo.Capture(thrown).Throw();
            throw;
        }
    }

    private static string TryRead(Channel<int> c) => c.Reader.TryRead(out var item) ? $"true, {item}" : "false";

    private static string TryPeek(Channel<int> c) => c.Reader.TryPeek(out var item) ? $"true, {item}" : "false";

    private static string Await(ValueTask task) => Show(task.AsTask());

    private static string Await<T>(ValueTask<T> task) => Show(task.AsTask());

    private static string ReadAll(Channel<int> c, CancellationToken cancellationToken = default) => Show(ReadAllTask(c, cancellationToken));

    /// <summary>Every item ReadAllAsync gives; started on this thread, so it waits before this returns if it must.</summary>
    private static async Task<string> ReadAllTask(Channel<int> c, CancellationToken cancellationToken = default,
        CancellationToken enumeratorCancellation = default)
    {
        var items = new List<int>();
        await foreach (var item in c.Reader.ReadAllAsync(cancellationToken).WithCancellation(enumeratorCancellation))
        {
            items.Add(item);
        }

        return "[" + string.Join(",", items) + "]";
    }

    /// <summary>Which of the tasks have not ended ("pending" or "ended"), each.</summary>
    private static string Pending(params Task[] tasks) => string.Join(", ", tasks.Select(task => task.IsCompleted ? $"ended: {Show(task)}" : "pending"));

    /// <summary>
    /// How the task ended (waiting for it at most 20 s): its status, its result, and what awaiting it throws, with the
    /// inner exception of a ChannelClosedException.
    /// </summary>
    private static string Show(Task task)
    {
        Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(20))).GetAwaiter().GetResult();
        if (!task.IsCompleted)
        {
            return "still pending after 20 s";
        }

        try
        {
            task.GetAwaiter().GetResult();
            var type = task.GetType();
            return type.IsGenericType && type.GetGenericArguments()[0].Name != "VoidTaskResult"
                ? $"done: {type.GetProperty("Result")!.GetValue(task)}"
                : "done";
        }
        catch (Exception e)
        {
            return e is ChannelClosedException { InnerException: { } inner } ? $"{e.GetType().Name} ({inner.GetType().Name})" : e.GetType().Name;
        }
    }
}
