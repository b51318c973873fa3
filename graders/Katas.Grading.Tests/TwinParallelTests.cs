extern alias twins;
using System.Collections.Concurrent;
using static Katas.Grading.Tests.TwinScript;
using RuntimeParallel = System.Threading.Tasks.Parallel;
using RuntimeState = System.Threading.Tasks.ParallelLoopState;
using TwinParallel = twins::System.Threading.Tasks.Parallel;
using TwinState = twins::System.Threading.Tasks.ParallelLoopState;

namespace Katas.Grading.Tests;

/// <summary>
/// The controlled twin of Parallel (graders/Katas.Grading/Twins/Parallel*.cs) must behave as the runtime's Parallel for
/// every use a student can make of it. Each script runs once through the runtime's Parallel and once through the twin,
/// on real threads, and records what every loop returned or threw (exception types, parameter names, the exceptions an
/// AggregateException holds, what the bodies saw): the two records must be the same, step by step. The two Parallels
/// hand their bodies different ParallelLoopState types, so the scripts call them through <see cref="ILoops"/>, written
/// once for each.
/// </summary>
public sealed class TwinParallelTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);

    private static readonly Dictionary<string, Action<ILoops, CallTrace>> s_scripts = new()
    {
        ["For sums, int and long indices"] = (p, t) =>
        {
            long sum = 0;
            t.Get("For(0, 1000)", () => p.For(0, 1000, Options(), i => Interlocked.Add(ref sum, i)));
            t.Get("sum", () => sum);
            sum = 0;
            t.Get("For(0L, 1000L)", () => p.ForLong(0, 1000, Options(), i => Interlocked.Add(ref sum, i)));
            t.Get("sum", () => sum);
            sum = 0;
            t.Get("For(-5, 5) with 3 workers", () => p.For(-5, 5, Options(3), i => Interlocked.Add(ref sum, i * i)));
            t.Get("sum", () => sum);
            t.Get("For(long.MaxValue - 3, long.MaxValue)", () => p.ForLong(long.MaxValue - 3, long.MaxValue, Options(), i => Interlocked.Increment(ref sum)));
            t.Get("sum", () => sum);
        },
        ["empty ranges call nothing"] = (p, t) =>
        {
            var calls = 0;
            t.Get("For(5, 5)", () => p.For(5, 5, Options(), _ => calls++));
            t.Get("For(5, 1)", () => p.For(5, 1, Options(), _ => calls++));
            t.Get("ForEach([])", () => p.ForEach(Array.Empty<int>(), Options(), _ => calls++));
            t.Get("ForEach(empty enumerable)", () => p.ForEach(Enumerable.Range(0, 0).Where(_ => true), Options(), _ => calls++));
            t.Get("ForAsync(3, 3)", () => Await(p.ForAsync(3, 3, Options(), (_, _) => { calls++; return ValueTask.CompletedTask; })));
            t.Get("calls", () => calls);
        },
        ["ForEach over a list, an array, an enumerable"] = (p, t) =>
        {
            var seen = new ConcurrentBag<int>();
            t.Get("ForEach(List)", () => p.ForEach(Enumerable.Range(0, 100).ToList(), Options(), seen.Add));
            t.Get("seen", () => Sorted(seen));
            seen.Clear();
            t.Get("ForEach(array)", () => p.ForEach(Enumerable.Range(0, 50).ToArray(), Options(2), seen.Add));
            t.Get("seen", () => Sorted(seen));
            seen.Clear();
            t.Get("ForEach(yield)", () => p.ForEach(Yield(300), Options(), seen.Add));
            t.Get("seen", () => Sorted(seen));
        },
        ["indexed ForEach: the index is the position"] = (p, t) =>
        {
            var pairs = new ConcurrentBag<string>();
            t.Get("ForEach(list, (x, s, i))", () => p.ForEachIndexed(new[] { "a", "b", "c", "d" }.ToList(), Options(), (x, _, i) => pairs.Add($"{i}={x}")));
            t.Get("pairs", () => Sorted(pairs));
            pairs.Clear();
            t.Get("ForEach(yield, (x, s, i))", () => p.ForEachIndexed(Yield(20).Select(x => x * 10), Options(), (x, _, i) => pairs.Add($"{i}={x}")));
            t.Get("pairs", () => Sorted(pairs));
            pairs.Clear();
            t.Get("ForEach(orderable partitioner, (x, s, i))", () => p.ForEachPartitioned(Partitioner.Create(Enumerable.Range(0, 30).ToList(), true), Options(), (x, _, i) => pairs.Add($"{i}={x}")));
            t.Get("pairs", () => Sorted(pairs));
        },
        ["thread-local values"] = (p, t) =>
        {
            long total = 0;
            var inits = 0;
            var finals = 0;
            t.Get("For<long>(0, 10000, init, body, finally)", () => p.ForLocal(0, 10_000, Options(), () =>
            {
                Interlocked.Increment(ref inits);
                return 0L;
            }, (i, _, local) => local + i, local =>
            {
                Interlocked.Increment(ref finals);
                Interlocked.Add(ref total, local);
            }));
            t.Get("total", () => total);
            t.Get("as many localFinally as localInit", () => inits == finals && inits >= 1);
            total = 0;
            t.Get("ForEach<int, long>(yield, init, body, finally)", () => p.ForEachLocal(Yield(1000), Options(3), () => 0L, (x, _, local) => local + x,
                local => Interlocked.Add(ref total, local)));
            t.Get("total", () => total);
        },
        ["Break: the iterations below it still run"] = (p, t) =>
        {
            var ran = new ConcurrentBag<int>();
            t.Get("For(0, 1000) breaking at 500", () => p.ForState(0, 1000, Options(), (i, s) =>
            {
                if (i == 500)
                {
                    s.Break();
                }

                ran.Add(i);
            }));
            t.Get("all below 500 ran", () => Enumerable.Range(0, 500).All(ran.Contains));
            t.Get("500 ran", () => ran.Contains(500));
            var lowest = new ConcurrentBag<string>();
            t.Get("ForEach(list) breaking at 7, reading the state", () => p.ForEachState(Enumerable.Range(0, 10).ToList(), Options(1), (x, s) =>
            {
                if (x == 7)
                {
                    s.Break();
                    lowest.Add($"{s.LowestBreakIteration} {s.IsStopped} {s.ShouldExitCurrentIteration}");
                }
            }));
            t.Get("what the breaking body saw", () => Sorted(lowest));
        },
        ["Stop, and Stop and Break mixed"] = (p, t) =>
        {
            var after = 0;
            t.Get("For(0, 10) stopping at 0, one worker", () => p.ForState(0, 10, Options(1), (i, s) =>
            {
                if (i == 0)
                {
                    s.Stop();
                }
                else
                {
                    after++;
                }
            }));
            t.Get("iterations after the Stop", () => after);
            var seen = new ConcurrentBag<string>();
            t.Get("For(0, 100) stopping at 3", () => p.ForState(0, 100, Options(), (i, s) =>
            {
                if (i == 3)
                {
                    s.Stop();
                    seen.Add($"{s.IsStopped} {s.ShouldExitCurrentIteration} {s.LowestBreakIteration} {s.IsExceptional}");
                }
            }));
            t.Get("what the stopping body saw", () => Sorted(seen));
            t.Get("Stop then Break", () => p.ForState(0, 1, Options(), (_, s) =>
            {
                s.Stop();
                s.Break();
            }));
            t.Get("Break then Stop", () => p.ForState(0, 1, Options(), (_, s) =>
            {
                s.Break();
                s.Stop();
            }));
            t.Get("Break on a partitioner with no order", () => p.ForEachUnordered(new Unordered(Enumerable.Range(0, 3)), Options(1), (_, s) => s.Break()));
        },
        ["two bodies that throw: both in the AggregateException"] = (p, t) =>
        {
            var inside = 0;
            void BothInsideThenThrow(int i)
            {
                Interlocked.Increment(ref inside);
                SpinWait.SpinUntil(() => Volatile.Read(ref inside) >= 2, s_wait);
                throw new InvalidOperationException($"body {i}");
            }

            t.Get("For(0, 2), both throw", () => p.For(0, 2, Options(2), BothInsideThenThrow));
            inside = 0;
            t.Get("ForEach([0, 1]), both throw", () => p.ForEach(new[] { 0, 1 }, Options(2), BothInsideThenThrow));
            var started = 0;
            t.Get("For(0, 1000) with one worker, the first throws", () => p.For(0, 1000, Options(1), i =>
            {
                Interlocked.Increment(ref started);
                throw new FormatException($"body {i}");
            }));
            t.Get("bodies started", () => started);
            t.Get("state after a throw", () => p.ForState(0, 2, Options(1), (i, s) =>
            {
                if (i == 0)
                {
                    throw new FormatException("first");
                }
            }));
            t.Get("localFinally throws", () => p.ForLocal(0, 1, Options(), () => 0, (_, _, l) => l, _ => throw new FormatException("finally")));
            t.Get("an OperationCanceledException of another token", () => p.For(0, 1, Options(), _ => throw new OperationCanceledException()));
        },
        ["cancellation"] = (p, t) =>
        {
            using var canceled = new CancellationTokenSource();
            canceled.Cancel();
            var calls = 0;
            t.Get("For(0, 10), token canceled before", () => p.For(0, 10, Options(token: canceled.Token), _ => calls++));
            t.Get("ForEach(list), token canceled before", () => p.ForEach(new[] { 1 }, Options(token: canceled.Token), _ => calls++));
            t.Get("ForEach([]), token canceled before", () => p.ForEach(Array.Empty<int>(), Options(token: canceled.Token), _ => calls++));
            t.Get("For(3, 3), token canceled before", () => p.For(3, 3, Options(token: canceled.Token), _ => calls++));
            t.Get("Invoke, token canceled before", () => p.Invoke(Options(token: canceled.Token), () => calls++));
            t.Get("ForEachAsync, token canceled before", () => Await(p.ForEachAsync(new[] { 1 }, Options(token: canceled.Token), (_, _) => { calls++; return ValueTask.CompletedTask; })));
            t.Get("ForAsync, token canceled before", () => Await(p.ForAsync(0, 3, Options(token: canceled.Token), (_, _) => { calls++; return ValueTask.CompletedTask; })));
            t.Get("calls", () => calls);
            using var during = new CancellationTokenSource();
            var after = 0;
            t.Get("For(0, 1000) with one worker, canceled by body 5", () => p.For(0, 1000, Options(1, during.Token), i =>
            {
                if (i == 5)
                {
                    during.Cancel();
                }
                else if (i > 5)
                {
                    after++;
                }
            }));
            t.Get("bodies after the cancellation", () => after);
            using var thrown = new CancellationTokenSource();
            t.Get("a body throws the loop's own cancellation", () => p.For(0, 1, Options(token: thrown.Token), _ =>
            {
                thrown.Cancel();
                thrown.Token.ThrowIfCancellationRequested();
            }));
        },
        ["MaxDegreeOfParallelism 3: never more bodies at once, and reached"] = (p, t) =>
        {
            foreach (var (name, loop) in new (string, Action<Action>)[]
            {
                ("For(0, 20)", body => p.For(0, 20, Options(3), _ => body())),
                ("ForEach(list of 20)", body => p.ForEach(Enumerable.Range(0, 20).ToList(), Options(3), _ => body())),
                ("ForEach(yield 20)", body => p.ForEach(Yield(20), Options(3), _ => body())),
                ("ForEachAsync(20)", body => p.ForEachAsync(Enumerable.Range(0, 20), Options(3), async (_, _) =>
                {
                    await Task.Yield();
                    body();
                }).Wait()),
                ("Invoke(20 actions)", body => p.Invoke(Options(3), Enumerable.Range(0, 20).Select(_ => body).ToArray())),
            })
            {
                var inside = 0;
                var most = 0;
                t.Get(name, () =>
                {
                    loop(() =>
                    {
                        var now = Interlocked.Increment(ref inside);
                        InterlockedMax(ref most, now);
                        SpinWait.SpinUntil(() => Volatile.Read(ref most) >= 3, TimeSpan.FromSeconds(2));
                        Thread.Sleep(2);
                        Interlocked.Decrement(ref inside);
                    });
                    return "returned";
                });
                t.Get("most bodies at once", () => most);
            }
        },
        ["ParallelOptions' own checks"] = (p, t) =>
        {
            t.Get("MaxDegreeOfParallelism = 0", () => new ParallelOptions { MaxDegreeOfParallelism = 0 });
            t.Get("MaxDegreeOfParallelism = -2", () => new ParallelOptions { MaxDegreeOfParallelism = -2 });
        },
        ["null arguments"] = (p, t) =>
        {
            t.Get("For(body: null)", () => p.For(0, 1, Options(), null!));
            t.Get("For(options: null)", () => p.For(0, 1, null!, _ => { }));
            t.Get("For(null options, null body)", () => p.For(0, 1, null!, null!));
            t.Get("For<TLocal>(localInit: null)", () => p.ForLocal<int>(0, 1, Options(), null!, (_, _, l) => l, _ => { }));
            t.Get("For<TLocal>(localFinally: null)", () => p.ForLocal(0, 1, Options(), () => 0, (_, _, l) => l, null!));
            t.Get("For<TLocal>(all null)", () => p.ForLocal<int>(0, 1, null!, null!, null!, null!));
            t.Get("For<TLocal>(all but options null)", () => p.ForLocal<int>(0, 1, Options(), null!, null!, null!));
            t.Get("For<TLocal>(localInit, localFinally null)", () => p.ForLocal<int>(0, 1, Options(), null!, (_, _, l) => l, null!));
            t.Get("For<TLocal>(body, localFinally null)", () => p.ForLocal<int>(0, 1, Options(), () => 0, null!, null!));
            t.Get("ForEach<TLocal>(body, localFinally null)", () => p.ForEachLocal<int, int>(new[] { 1 }, Options(), () => 0, null!, null!));
            t.Get("For(state body null, options null)", () => p.ForState(0, 1, null!, null!));
            t.Get("ForEach(body, options null)", () => p.ForEach(new[] { 1 }, null!, null!));
            t.Get("ForEach<TLocal>(all but source null)", () => p.ForEachLocal<int, int>(new[] { 1 }, null!, null!, null!, null!));
            t.Get("ForEach<TLocal>(all but source, options null)", () => p.ForEachLocal<int, int>(new[] { 1 }, Options(), null!, null!, null!));
            t.Get("ForEach(partitioner, options and body null)", () => p.ForEachPartitioned(Partitioner.Create(new[] { 1 }, true), null!, null!));
            t.Get("ForEach(partitioner, all null)", () => p.ForEachPartitioned<int>(null!, null!, null!));
            t.Get("ForEach(unordered, options and body null)", () => p.ForEachUnordered(new Unordered([1]), null!, null!));
            t.Get("ForEachAsync(body and options null)", () => p.ForEachAsync<int>(new[] { 1 }, null!, null!));
            t.Get("For<TLocal>(body: null)", () => p.ForLocal<int>(0, 1, Options(), () => 0, null!, _ => { }));
            t.Get("ForEach(source: null)", () => p.ForEach<int>(null!, Options(), _ => { }));
            t.Get("ForEach(body: null)", () => p.ForEach(new[] { 1 }, Options(), null!));
            t.Get("ForEach(options: null)", () => p.ForEach(new[] { 1 }, null!, _ => { }));
            t.Get("ForEach(all null)", () => p.ForEach<int>(null!, null!, null!));
            t.Get("ForEach<TLocal>(all null)", () => p.ForEachLocal<int, int>(null!, null!, null!, null!, null!));
            t.Get("ForEach(partitioner: null)", () => p.ForEachPartitioned<int>(null!, Options(), (_, _, _) => { }));
            t.Get("ForEachAsync(source: null)", () => p.ForEachAsync<int>((IEnumerable<int>)null!, Options(), (_, _) => ValueTask.CompletedTask));
            t.Get("ForEachAsync(body: null)", () => p.ForEachAsync<int>(new[] { 1 }, Options(), null!));
            t.Get("ForEachAsync(options: null)", () => p.ForEachAsync<int>(new[] { 1 }, null!, (_, _) => ValueTask.CompletedTask));
            t.Get("ForEachAsync(all null)", () => p.ForEachAsync<int>((IEnumerable<int>)null!, null!, null!));
            t.Get("ForEachAsync(async source: null)", () => p.ForEachAsync<int>((IAsyncEnumerable<int>)null!, Options(), (_, _) => ValueTask.CompletedTask));
            t.Get("ForAsync(body: null)", () => p.ForAsync(0, 1, Options(), null!));
            t.Get("ForAsync(all null)", () => p.ForAsync(0, 1, null!, null!));
            t.Get("Invoke(null)", () => p.Invoke(Options(), null!));
            t.Get("Invoke(options: null)", () => p.Invoke(null!, () => { }));
            t.Get("Invoke([null])", () => p.Invoke(Options(), [() => { }, null!]));
            t.Get("Invoke([])", () => p.Invoke(Options()));
        },
        ["ForEachAsync over an enumerable and an async enumerable, and ForAsync"] = (p, t) =>
        {
            var seen = new ConcurrentBag<int>();
            t.Get("ForEachAsync(list)", () => Await(p.ForEachAsync(Enumerable.Range(0, 100).ToList(), Options(), async (x, _) =>
            {
                await Task.Yield();
                seen.Add(x);
            })));
            t.Get("seen", () => Sorted(seen));
            seen.Clear();
            t.Get("ForEachAsync(async yield)", () => Await(p.ForEachAsync(YieldAsync(50), Options(3), async (x, _) =>
            {
                await Task.Delay(1);
                seen.Add(x);
            })));
            t.Get("seen", () => Sorted(seen));
            seen.Clear();
            t.Get("ForAsync(-3, 40)", () => Await(p.ForAsync(-3, 40, Options(), async (x, _) =>
            {
                await Task.Yield();
                seen.Add(x);
            })));
            t.Get("seen", () => Sorted(seen));
            seen.Clear();
            t.Get("ForAsync(byte 250, 255)", () => Await(p.ForAsyncByte(250, 255, async (x, _) =>
            {
                await Task.Yield();
                seen.Add(x);
            })));
            t.Get("seen", () => Sorted(seen));
            t.Get("default workers of ForEachAsync", () =>
            {
                var inside = 0;
                var most = 0;
                Await(p.ForEachAsync(Enumerable.Range(0, 4 * Environment.ProcessorCount), Options(), async (_, _) =>
                {
                    InterlockedMax(ref most, Interlocked.Increment(ref inside));
                    await Task.Delay(30);
                    Interlocked.Decrement(ref inside);
                }));
                return most <= Environment.ProcessorCount;
            });
        },
        ["ForEachAsync: a failure cancels the other bodies' token"] = (p, t) =>
        {
            var canceledSeen = 0;
            var started = 0;
            t.Get("two bodies, one fails, the other waits on its token", () => Await(p.ForEachAsync(new[] { 0, 1 }, Options(2), async (x, token) =>
            {
                Interlocked.Increment(ref started);
                if (x == 0)
                {
                    SpinWait.SpinUntil(() => Volatile.Read(ref started) >= 2, s_wait);
                    throw new InvalidOperationException("body 0");
                }

                try
                {
                    await Task.Delay(s_wait, token);
                }
                catch (OperationCanceledException)
                {
                    Interlocked.Increment(ref canceledSeen);
                    throw;
                }
            })));
            t.Get("the other body saw its token canceled", () => canceledSeen);
            started = 0;
            t.Get("one worker, the first body fails", () => Await(p.ForEachAsync(YieldAsync(100), Options(1), (x, _) =>
            {
                Interlocked.Increment(ref started);
                throw new FormatException($"body {x}");
            })));
            t.Get("bodies started", () => started);
            started = 0;
            t.Get("the task of a failing ForAsync", () =>
            {
                // Both bodies are in before either throws (else whether the second starts is a matter of timing).
                var task = p.ForAsync(0, 2, Options(2), async (x, _) =>
                {
                    await Task.Yield();
                    Interlocked.Increment(ref started);
                    SpinWait.SpinUntil(() => Volatile.Read(ref started) >= 2, s_wait);
                    throw new FormatException("always");
                });
                ((IAsyncResult)task).AsyncWaitHandle.WaitOne(s_wait);
                return $"{task.Status} {task.Exception?.InnerExceptions.Count}";
            });
            using var cancel = new CancellationTokenSource();
            t.Get("canceled by the caller while running", () => Await(p.ForEachAsync(YieldAsync(1000), Options(2, cancel.Token), async (x, token) =>
            {
                if (x == 3)
                {
                    await cancel.CancelAsync();
                }

                await Task.Delay(1, token);
            })));
        },
        ["Invoke runs every action"] = (p, t) =>
        {
            var ran = new ConcurrentBag<int>();
            t.Get("Invoke(3 actions)", () => p.Invoke(Options(), () => ran.Add(1), () => ran.Add(2), () => ran.Add(3)));
            t.Get("ran", () => Sorted(ran));
            ran.Clear();
            t.Get("Invoke(15 actions, 2 throw), one at a time", () => p.Invoke(Options(1), Enumerable.Range(0, 15).Select(i => (Action)(() =>
            {
                ran.Add(i);
                if (i % 7 == 1)
                {
                    throw new FormatException($"action {i}");
                }
            })).ToArray()));
            t.Get("ran", () => Sorted(ran));
        },
    };

    public static IEnumerable<string> Scripts => s_scripts.Keys;

    [TestCaseSource(nameof(Scripts))]
    public void The_twin_does_what_the_runtimes_Parallel_does(string script)
    {
        CallTrace.MustBeTheSame("Parallel", t => s_scripts[script](new RuntimeLoops(), t), t => s_scripts[script](new TwinLoops(), t), Describe);
    }

    [Test]
    public void The_twin_has_every_public_and_protected_member_of_the_runtimes_Parallel()
    {
        // The twin's members are declared on its base class, ControlledParallel (Twins/Parallel.cs says why): a student's
        // Parallel.For(...) compiles to a call on it. Parallel itself declares nothing a student can use.
        Surface(typeof(TwinParallel).BaseType!).Should().Equal(Surface(typeof(RuntimeParallel)), "the twin must have the members of the runtime's Parallel");
        Surface(typeof(TwinParallel)).Should().BeEmpty();
        typeof(TwinParallel).IsSealed.Should().BeTrue();
        typeof(TwinParallel).GetConstructors().Should().BeEmpty("a student can no more make a Parallel than of the runtime's static class");
        typeof(TwinParallel).BaseType!.GetConstructors().Should().BeEmpty();
        MustHaveTheSurfaceOf(typeof(TwinState), typeof(RuntimeState));
        MustHaveTheSurfaceOf(typeof(twins::System.Threading.Tasks.ParallelLoopResult), typeof(System.Threading.Tasks.ParallelLoopResult));
    }

    [Test]
    public void The_twin_runs_a_default_loop_on_at_least_two_workers_and_on_the_calling_thread()
    {
        var threads = new ConcurrentDictionary<int, bool>();
        var inside = 0;
        TwinParallel.For(0, 2, _ =>
        {
            threads[Environment.CurrentManagedThreadId] = true;
            Interlocked.Increment(ref inside);
            SpinWait.SpinUntil(() => Volatile.Read(ref inside) >= 2, s_wait);
        });
        inside.Should().Be(2);
        threads.Should().HaveCount(2).And.ContainKey(Environment.CurrentManagedThreadId);
    }

    private static ParallelOptions Options(int degree = -1, CancellationToken token = default) =>
        new() { MaxDegreeOfParallelism = degree, CancellationToken = token };

    private static void InterlockedMax(ref int most, int now)
    {
        int seen;
        while (now > (seen = Volatile.Read(ref most)) && Interlocked.CompareExchange(ref most, now, seen) != seen)
        {
        }
    }

    private static string Await(Task task)
    {
        task.Wait(s_wait);
        try
        {
            task.GetAwaiter().GetResult();
            return $"{task.Status}";
        }
        catch (Exception e)
        {
            return $"{task.Status}, await throws {Describe(e)}, Exception holds {(task.Exception is { } all ? Describe(all) : "nothing")}";
        }
    }

    private static string Sorted<T>(IEnumerable<T> items) => string.Join(",", items.Select(x => $"{x}").Order(StringComparer.Ordinal));

    private static IEnumerable<int> Yield(int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return i;
        }
    }

    private static async IAsyncEnumerable<int> YieldAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await Task.Yield();
            yield return i;
        }
    }

    /// <summary>A partitioner with dynamic partitions and no order.</summary>
    private sealed class Unordered(IEnumerable<int> items) : Partitioner<int>
    {
        public override bool SupportsDynamicPartitions => true;

        public override IList<IEnumerator<int>> GetPartitions(int partitionCount) =>
            Enumerable.Range(0, partitionCount).Select(_ => GetDynamicPartitions().GetEnumerator()).ToList();

        public override IEnumerable<int> GetDynamicPartitions() => Partitioner.Create(items).GetDynamicPartitions();
    }

    /// <summary>What each step returned or threw; an exception with its parameter name, or the exceptions it aggregates.</summary>
    /// <summary>A thrown exception as the scripts compare it: what an AggregateException holds, which argument was wrong.</summary>
    private static string Describe(Exception e) => e switch
    {
        AggregateException all => $"AggregateException [{string.Join(", ", all.InnerExceptions.Select(Describe).Order(StringComparer.Ordinal))}]",
        ArgumentException argument => $"{e.GetType().Name}({argument.ParamName})",
        _ => $"{e.GetType().Name}: {e.Message}",
    };

    /// <summary>What a body sees of its loop, whichever Parallel runs it.</summary>
    internal interface IState
    {
        bool ShouldExitCurrentIteration { get; }

        bool IsStopped { get; }

        bool IsExceptional { get; }

        long? LowestBreakIteration { get; }

        void Stop();

        void Break();
    }

    /// <summary>The loops the scripts run, with results as text ("completed True, lowest break 5").</summary>
    internal interface ILoops
    {
        string For(int from, int to, ParallelOptions options, Action<int> body);

        string ForLong(long from, long to, ParallelOptions options, Action<long> body);

        string ForState(int from, int to, ParallelOptions options, Action<int, IState> body);

        string ForLocal<TLocal>(int from, int to, ParallelOptions options, Func<TLocal> init, Func<int, IState, TLocal, TLocal> body, Action<TLocal> end);

        string ForEach<T>(IEnumerable<T> source, ParallelOptions options, Action<T> body);

        string ForEachState<T>(IEnumerable<T> source, ParallelOptions options, Action<T, IState> body);

        string ForEachIndexed<T>(IEnumerable<T> source, ParallelOptions options, Action<T, IState, long> body);

        string ForEachLocal<T, TLocal>(IEnumerable<T> source, ParallelOptions options, Func<TLocal> init, Func<T, IState, TLocal, TLocal> body, Action<TLocal> end);

        string ForEachPartitioned<T>(OrderablePartitioner<T> source, ParallelOptions options, Action<T, IState, long> body);

        string ForEachUnordered<T>(Partitioner<T> source, ParallelOptions options, Action<T, IState> body);

        Task ForEachAsync<T>(IEnumerable<T> source, ParallelOptions options, Func<T, CancellationToken, ValueTask> body);

        Task ForEachAsync<T>(IAsyncEnumerable<T> source, ParallelOptions options, Func<T, CancellationToken, ValueTask> body);

        Task ForAsync(int from, int to, ParallelOptions options, Func<int, CancellationToken, ValueTask> body);

        Task ForAsyncByte(byte from, byte to, Func<byte, CancellationToken, ValueTask> body);

        string Invoke(ParallelOptions options, params Action[] actions);
    }

    private sealed class State(dynamic state) : IState
    {
        public bool ShouldExitCurrentIteration => state.ShouldExitCurrentIteration;

        public bool IsStopped => state.IsStopped;

        public bool IsExceptional => state.IsExceptional;

        public long? LowestBreakIteration => state.LowestBreakIteration;

        public void Stop() => state.Stop();

        public void Break() => state.Break();
    }

    private static string Show(dynamic result) => $"completed {result.IsCompleted}, lowest break {result.LowestBreakIteration}";

    private static T Run<T>(Func<T> call) => call();

    private sealed class RuntimeLoops : ILoops
    {
        public string For(int from, int to, ParallelOptions options, Action<int> body) => Show(RuntimeParallel.For(from, to, options, body));

        public string ForLong(long from, long to, ParallelOptions options, Action<long> body) => Show(RuntimeParallel.For(from, to, options, body));

        public string ForState(int from, int to, ParallelOptions options, Action<int, IState> body) =>
            Show(RuntimeParallel.For(from, to, options, (i, s) => body(i, new State(s))));

        public string ForLocal<TLocal>(int from, int to, ParallelOptions options, Func<TLocal> init, Func<int, IState, TLocal, TLocal> body, Action<TLocal> end) =>
            Show(RuntimeParallel.For(from, to, options, init, body is null ? null! : (i, s, l) => body(i, new State(s), l), end));

        public string ForEach<T>(IEnumerable<T> source, ParallelOptions options, Action<T> body) => Show(RuntimeParallel.ForEach(source, options, body));

        public string ForEachState<T>(IEnumerable<T> source, ParallelOptions options, Action<T, IState> body) =>
            Show(RuntimeParallel.ForEach(source, options, (x, s) => body(x, new State(s))));

        public string ForEachIndexed<T>(IEnumerable<T> source, ParallelOptions options, Action<T, IState, long> body) =>
            Show(RuntimeParallel.ForEach(source, options, (x, s, i) => body(x, new State(s), i)));

        public string ForEachLocal<T, TLocal>(IEnumerable<T> source, ParallelOptions options, Func<TLocal> init, Func<T, IState, TLocal, TLocal> body, Action<TLocal> end) =>
            Show(RuntimeParallel.ForEach(source, options, init, body is null ? null! : (x, s, l) => body(x, new State(s), l), end));

        public string ForEachPartitioned<T>(OrderablePartitioner<T> source, ParallelOptions options, Action<T, IState, long> body) =>
            Show(RuntimeParallel.ForEach(source, options, (x, s, i) => body(x, new State(s), i)));

        public string ForEachUnordered<T>(Partitioner<T> source, ParallelOptions options, Action<T, IState> body) =>
            Show(RuntimeParallel.ForEach(source, options, (x, s) => body(x, new State(s))));

        public Task ForEachAsync<T>(IEnumerable<T> source, ParallelOptions options, Func<T, CancellationToken, ValueTask> body) =>
            RuntimeParallel.ForEachAsync(source, options, body);

        public Task ForEachAsync<T>(IAsyncEnumerable<T> source, ParallelOptions options, Func<T, CancellationToken, ValueTask> body) =>
            RuntimeParallel.ForEachAsync(source, options, body);

        public Task ForAsync(int from, int to, ParallelOptions options, Func<int, CancellationToken, ValueTask> body) =>
            RuntimeParallel.ForAsync(from, to, options, body);

        public Task ForAsyncByte(byte from, byte to, Func<byte, CancellationToken, ValueTask> body) => RuntimeParallel.ForAsync(from, to, body);

        public string Invoke(ParallelOptions options, params Action[] actions)
        {
            RuntimeParallel.Invoke(options, actions);
            return "returned";
        }
    }

    private sealed class TwinLoops : ILoops
    {
        public string For(int from, int to, ParallelOptions options, Action<int> body) => Show(TwinParallel.For(from, to, options, body));

        public string ForLong(long from, long to, ParallelOptions options, Action<long> body) => Show(TwinParallel.For(from, to, options, body));

        public string ForState(int from, int to, ParallelOptions options, Action<int, IState> body) =>
            Show(TwinParallel.For(from, to, options, (i, s) => body(i, new State(s))));

        public string ForLocal<TLocal>(int from, int to, ParallelOptions options, Func<TLocal> init, Func<int, IState, TLocal, TLocal> body, Action<TLocal> end) =>
            Show(TwinParallel.For(from, to, options, init, body is null ? null! : (i, s, l) => body(i, new State(s), l), end));

        public string ForEach<T>(IEnumerable<T> source, ParallelOptions options, Action<T> body) => Show(TwinParallel.ForEach(source, options, body));

        public string ForEachState<T>(IEnumerable<T> source, ParallelOptions options, Action<T, IState> body) =>
            Show(TwinParallel.ForEach(source, options, (x, s) => body(x, new State(s))));

        public string ForEachIndexed<T>(IEnumerable<T> source, ParallelOptions options, Action<T, IState, long> body) =>
            Show(TwinParallel.ForEach(source, options, (x, s, i) => body(x, new State(s), i)));

        public string ForEachLocal<T, TLocal>(IEnumerable<T> source, ParallelOptions options, Func<TLocal> init, Func<T, IState, TLocal, TLocal> body, Action<TLocal> end) =>
            Show(TwinParallel.ForEach(source, options, init, body is null ? null! : (x, s, l) => body(x, new State(s), l), end));

        public string ForEachPartitioned<T>(OrderablePartitioner<T> source, ParallelOptions options, Action<T, IState, long> body) =>
            Show(TwinParallel.ForEach(source, options, (x, s, i) => body(x, new State(s), i)));

        public string ForEachUnordered<T>(Partitioner<T> source, ParallelOptions options, Action<T, IState> body) =>
            Show(TwinParallel.ForEach(source, options, (x, s) => body(x, new State(s))));

        public Task ForEachAsync<T>(IEnumerable<T> source, ParallelOptions options, Func<T, CancellationToken, ValueTask> body) =>
            TwinParallel.ForEachAsync(source, options, body);

        public Task ForEachAsync<T>(IAsyncEnumerable<T> source, ParallelOptions options, Func<T, CancellationToken, ValueTask> body) =>
            TwinParallel.ForEachAsync(source, options, body);

        public Task ForAsync(int from, int to, ParallelOptions options, Func<int, CancellationToken, ValueTask> body) =>
            TwinParallel.ForAsync(from, to, options, body);

        public Task ForAsyncByte(byte from, byte to, Func<byte, CancellationToken, ValueTask> body) => TwinParallel.ForAsync(from, to, body);

        public string Invoke(ParallelOptions options, params Action[] actions)
        {
            TwinParallel.Invoke(options, actions);
            return "returned";
        }
    }
}
