extern alias twins;

using RuntimeLock = System.Threading.Lock;
using TwinLock = twins::System.Threading.Lock;

namespace Katas.Grading.Tests;

/// <summary>
/// The controlled twin of System.Threading.Lock (graders/Katas.Grading/Twins/Lock.cs) must behave as the runtime's Lock
/// for every use a student can make of it, or a kata graded with the twin would judge code that the real type runs
/// differently. Each script runs once on the runtime's Lock and once on the twin, on real threads, and records what
/// every call returned or threw: the two records must be the same, call by call.
/// </summary>
public sealed class TwinLockTests
{
    private static readonly TimeSpan s_short = TimeSpan.FromMilliseconds(30);

    private static readonly Dictionary<string, Action<LockUnderTest, CallTrace>> s_scripts = new()
    {
        ["enter, then exit"] = (l, t) =>
        {
            t.Do("Enter", l.Enter);
            t.Get("IsHeldByCurrentThread", () => l.IsHeld);
            t.Do("Exit", l.Exit);
            t.Get("IsHeldByCurrentThread", () => l.IsHeld);
        },
        ["entered twice by one thread (re-entrant), exited twice"] = (l, t) =>
        {
            t.Do("Enter", l.Enter);
            t.Do("Enter", l.Enter);
            t.Do("Exit", l.Exit);
            t.Get("IsHeldByCurrentThread", () => l.IsHeld);
            t.Do("Exit", l.Exit);
            t.Get("IsHeldByCurrentThread", () => l.IsHeld);
        },
        ["exit when not held"] = (l, t) => t.Do("Exit", l.Exit),
        ["exit once more than entered"] = (l, t) =>
        {
            t.Do("Enter", l.Enter);
            t.Do("Exit", l.Exit);
            t.Do("Exit", l.Exit);
        },
        ["TryEnter overloads on a free lock"] = (l, t) =>
        {
            t.Get("TryEnter()", l.TryEnter);
            t.Get("TryEnter(0)", () => l.TryEnterMilliseconds(0));
            t.Get("TryEnter(TimeSpan.Zero)", () => l.TryEnterFor(TimeSpan.Zero));
            t.Get("TryEnter(-1)", () => l.TryEnterMilliseconds(-1));
            t.Do("Exit", l.Exit);
            t.Do("Exit", l.Exit);
            t.Do("Exit", l.Exit);
            t.Get("IsHeldByCurrentThread", () => l.IsHeld);
            t.Do("Exit", l.Exit);
            t.Get("IsHeldByCurrentThread", () => l.IsHeld);
        },
        ["TryEnter with a time-out out of range"] = (l, t) =>
        {
            t.Get("TryEnter(-2)", () => l.TryEnterMilliseconds(-2));
            t.Get("TryEnter(-2 ms)", () => l.TryEnterFor(TimeSpan.FromMilliseconds(-2)));
            t.Get("TryEnter(int.MaxValue + 1 ms)", () => l.TryEnterFor(TimeSpan.FromMilliseconds(int.MaxValue + 1.0)));
            t.Get("IsHeldByCurrentThread", () => l.IsHeld);
        },
        ["held by another thread"] = (l, t) =>
        {
            using var holder = new Holder(l);
            t.Get("TryEnter()", l.TryEnter);
            t.Get("TryEnter(0)", () => l.TryEnterMilliseconds(0));
            t.Get("TryEnter(30)", () => l.TryEnterMilliseconds((int)s_short.TotalMilliseconds));
            t.Get("TryEnter(30 ms)", () => l.TryEnterFor(s_short));
            t.Get("IsHeldByCurrentThread", () => l.IsHeld);
            t.Do("Exit", l.Exit);
            holder.Release();
            t.Get("TryEnter(10 s) after the other thread exited", () => l.TryEnterFor(TimeSpan.FromSeconds(10)));
            t.Do("Exit", l.Exit);
        },
        ["exit on a thread that did not enter"] = (l, t) =>
        {
            using var holder = new Holder(l);
            t.Do("Exit", l.Exit);
            holder.Release();
            t.Get("IsHeldByCurrentThread", () => l.IsHeld);
        },
        ["a waiting Enter goes on when the holder exits"] = (l, t) =>
        {
            using var holder = new Holder(l);
            var entered = new Thread(() =>
            {
                l.Enter();
                l.Exit();
            });
            entered.Start();
            t.Get("the waiter is still waiting while the lock is held", () => !entered.Join(s_short));
            holder.Release();
            t.Get("the waiter has entered and exited once the holder exited", () => entered.Join(TimeSpan.FromSeconds(10)));
        },
        ["lock statement scope (EnterScope, then Dispose)"] = (l, t) =>
        {
            l.Scoped(() => t.Get("IsHeldByCurrentThread inside", () => l.IsHeld));
            t.Get("IsHeldByCurrentThread after", () => l.IsHeld);
        },
        ["a scope disposed twice exits once"] = (l, t) =>
        {
            t.Do("Enter", l.Enter);
            t.Do("EnterScope, Dispose, Dispose", l.ScopeDisposedTwice);
            t.Get("IsHeldByCurrentThread", () => l.IsHeld);
            t.Do("Exit", l.Exit);
            t.Get("IsHeldByCurrentThread", () => l.IsHeld);
        },
        ["an exception inside the scope exits the lock"] = (l, t) =>
        {
            t.Do("lock { throw }", () => l.Scoped(() => throw new InvalidOperationException("inside")));
            t.Get("IsHeldByCurrentThread", () => l.IsHeld);
        },
    };

    public static IEnumerable<string> Scripts => s_scripts.Keys;

    [TestCaseSource(nameof(Scripts))]
    public void The_twin_does_what_the_runtimes_Lock_does(string script)
    {
        CallTrace.MustBeTheSame(
            "System.Threading.Lock", t => s_scripts[script](LockUnderTest.OfRuntime(), t), t => s_scripts[script](LockUnderTest.OfTwin(), t));
    }

    [Test]
    public void The_twin_has_every_public_member_of_the_runtimes_Lock()
    {
        TwinScript.MustHaveTheSurfaceOf(typeof(TwinLock), typeof(RuntimeLock));
        TwinScript.MustHaveTheSurfaceOf(typeof(TwinLock.Scope), typeof(RuntimeLock.Scope));
    }

    /// <summary>
    /// A lock as the scripts use it, whichever type it is: the two types share no interface, so each is wrapped by its
    /// own members (method groups pick the overloads by the delegate types).
    /// </summary>
    private sealed record LockUnderTest(
        Func<bool> IsHeldNow,
        Action Enter,
        Action Exit,
        Func<bool> TryEnter,
        Func<int, bool> TryEnterMilliseconds,
        Func<TimeSpan, bool> TryEnterFor,
        Action<Action> Scoped,
        Action ScopeDisposedTwice)
    {
        public bool IsHeld => IsHeldNow();

        public static LockUnderTest OfRuntime()
        {
            var gate = new RuntimeLock();
            return new LockUnderTest(() => gate.IsHeldByCurrentThread, gate.Enter, gate.Exit, gate.TryEnter, gate.TryEnter, gate.TryEnter,
                inside =>
                {
                    // `lock` on the runtime's Lock: the compiler lowers it to EnterScope() and the scope's Dispose().
                    lock (gate)
                    {
                        inside();
                    }
                },
                () =>
                {
                    var scope = gate.EnterScope();
                    scope.Dispose();
                    scope.Dispose();
                });
        }

        public static LockUnderTest OfTwin()
        {
            var gate = new TwinLock();
            return new LockUnderTest(() => gate.IsHeldByCurrentThread, gate.Enter, gate.Exit, gate.TryEnter, gate.TryEnter, gate.TryEnter,
                inside =>
                {
                    // The same lowering by hand: the compiler does it only for the runtime's type (in a kata's assembly
                    // the twin IS System.Threading.Lock, and `lock` lowers to it).
                    using (gate.EnterScope())
                    {
                        inside();
                    }
                },
                () =>
                {
                    var scope = gate.EnterScope();
                    scope.Dispose();
                    scope.Dispose();
                });
        }
    }

    /// <summary>Another thread that enters the lock and holds it until released.</summary>
    private sealed class Holder : IDisposable
    {
        private readonly ManualResetEventSlim _entered = new();
        private readonly ManualResetEventSlim _release = new();
        private readonly Thread _thread;

        public Holder(LockUnderTest l)
        {
            _thread = new Thread(() =>
            {
                l.Enter();
                _entered.Set();
                _release.Wait();
                l.Exit();
            })
            { IsBackground = true };
            _thread.Start();
            _entered.Wait(TimeSpan.FromSeconds(10)).Should().BeTrue("the holder thread must get the free lock");
        }

        public void Release()
        {
            _release.Set();
            _thread.Join(TimeSpan.FromSeconds(10)).Should().BeTrue("the holder thread must exit the lock and end");
        }

        public void Dispose()
        {
            _release.Set();
            _thread.Join(TimeSpan.FromSeconds(10));
            _entered.Dispose();
            _release.Dispose();
        }
    }
}
