extern alias twins;
using static Katas.Grading.Tests.TwinScript;
using RuntimeCountdown = System.Threading.CountdownEvent;
using RuntimeEvent = System.Threading.ManualResetEventSlim;
using TwinCountdown = twins::System.Threading.CountdownEvent;
using TwinEvent = twins::System.Threading.ManualResetEventSlim;

namespace Katas.Grading.Tests;

/// <summary>
/// The controlled twins of ManualResetEventSlim and CountdownEvent (graders/Katas.Grading/Twins/) must behave as the
/// runtime's types for every use a student can make of them, or a kata graded with a twin would judge code that the real
/// type runs differently. Each script runs once on the runtime's type and once on the twin, on real threads, and records
/// what every call returned or threw: the two records must be the same, call by call. The two types of each pair share
/// no interface, so the scripts call them through `dynamic`, which picks the same overload by the arguments' types.
/// </summary>
public sealed class TwinEventTests
{
    private static readonly Dictionary<string, Action<Type, CallTrace>> s_eventScripts = new()
    {
        ["unset, set, reset"] = (type, t) =>
        {
            dynamic e = New(type);
            t.Get("IsSet", () => e.IsSet);
            t.Get("SpinCount", () => e.SpinCount);
            t.Get("Wait(0)", () => e.Wait(0));
            t.Get("Wait(TimeSpan.Zero)", () => e.Wait(TimeSpan.Zero));
            t.Get("Wait(20)", () => e.Wait(20));
            t.Do("Set", () => e.Set());
            t.Do("Set", () => e.Set());
            t.Get("IsSet", () => e.IsSet);
            t.Get("Wait(0)", () => e.Wait(0));
            t.Do("Wait()", () => e.Wait());
            t.Get("Wait(-1)", () => e.Wait(-1));
            t.Do("Reset", () => e.Reset());
            t.Get("IsSet", () => e.IsSet);
            t.Get("Wait(TimeSpan.FromMilliseconds(20))", () => e.Wait(TimeSpan.FromMilliseconds(20)));
        },
        ["constructors"] = (type, t) =>
        {
            t.Get("new(true).IsSet", () => ((dynamic)New(type, true)).IsSet);
            t.Get("new(false, 0).SpinCount", () => ((dynamic)New(type, false, 0)).SpinCount);
            t.Get("new(false, 2047).SpinCount", () => ((dynamic)New(type, false, 2047)).SpinCount);
            t.Get("new(false, -1)", () => New(type, false, -1));
            t.Get("new(false, 2048)", () => New(type, false, 2048));
        },
        ["time-outs out of range"] = (type, t) =>
        {
            dynamic e = New(type);
            t.Get("Wait(-2)", () => e.Wait(-2));
            t.Get("Wait(-2 ms)", () => e.Wait(TimeSpan.FromMilliseconds(-2)));
            t.Get("Wait(int.MaxValue + 1 ms)", () => e.Wait(TimeSpan.FromMilliseconds(int.MaxValue + 1.0)));
            t.Do("Set", () => e.Set());
            t.Get("Wait(-2) when set", () => e.Wait(-2));
        },
        ["a canceled token"] = (type, t) =>
        {
            dynamic e = New(type);
            using var canceled = new CancellationTokenSource();
            canceled.Cancel();
            t.Do("Wait(canceled)", () => e.Wait(canceled.Token));
            t.Get("Wait(0, canceled)", () => e.Wait(0, canceled.Token));
            t.Do("Set", () => e.Set());
            t.Do("Wait(canceled) when set", () => e.Wait(canceled.Token));
            t.Get("Wait(TimeSpan.Zero, canceled) when set", () => e.Wait(TimeSpan.Zero, canceled.Token));
        },
        ["disposed"] = (type, t) =>
        {
            dynamic e = New(type);
            t.Do("Dispose", () => e.Dispose());
            t.Get("IsSet", () => e.IsSet);
            t.Do("Set", () => e.Set());
            t.Get("IsSet", () => e.IsSet);
            t.Do("Reset", () => e.Reset());
            t.Get("Wait(0)", () => e.Wait(0));
            t.Get("Wait(-2)", () => e.Wait(-2));
            t.Get("Wait(-2 ms)", () => e.Wait(TimeSpan.FromMilliseconds(-2)));
            t.Get("WaitHandle", () => e.WaitHandle);
            t.Do("Dispose", () => e.Dispose());
        },
        ["the wait handle follows the event"] = (type, t) =>
        {
            dynamic e = New(type, true);
            WaitHandle handle = e.WaitHandle;
            t.Get("WaitOne(0)", () => handle.WaitOne(0));
            t.Do("Reset", () => e.Reset());
            t.Get("WaitOne(0)", () => handle.WaitOne(0));
            t.Do("Set", () => e.Set());
            t.Get("WaitOne(0)", () => handle.WaitOne(0));
            t.Get("the same handle", () => ReferenceEquals(handle, e.WaitHandle));
        },
        ["a waiting thread goes on when another sets"] = (type, t) =>
        {
            dynamic e = New(type);
            var waiter = OnThread(() => e.Wait(10_000));
            Thread.Sleep(30);
            t.Do("Set", () => e.Set());
            t.Get("the waiter's Wait(10 s)", () => waiter.Result());
        },
        ["a waiting thread stops when its token is canceled"] = (type, t) =>
        {
            dynamic e = New(type);
            using var cancel = new CancellationTokenSource();
            var waiter = OnThread(() => e.Wait(10_000, cancel.Token));
            Thread.Sleep(30);
            t.Do("Cancel", cancel.Cancel);
            t.Get("the waiter's Wait(10 s, token)", () => waiter.Result());
            t.Get("IsSet", () => e.IsSet);
        },
    };

    private static readonly Dictionary<string, Action<Type, CallTrace>> s_countdownScripts = new()
    {
        ["count down, reset, add"] = (type, t) =>
        {
            dynamic c = New(type, 2);
            t.Get("CurrentCount", () => c.CurrentCount);
            t.Get("InitialCount", () => c.InitialCount);
            t.Get("IsSet", () => c.IsSet);
            t.Get("Wait(0)", () => c.Wait(0));
            t.Get("Signal", () => c.Signal());
            t.Get("Signal", () => c.Signal());
            t.Get("IsSet", () => c.IsSet);
            t.Get("Wait(0)", () => c.Wait(0));
            t.Get("Signal", () => c.Signal());
            t.Get("CurrentCount", () => c.CurrentCount);
            t.Do("AddCount", () => c.AddCount());
            t.Get("TryAddCount", () => c.TryAddCount());
            t.Do("Reset", () => c.Reset());
            t.Get("CurrentCount", () => c.CurrentCount);
            t.Do("AddCount(3)", () => c.AddCount(3));
            t.Get("TryAddCount(2)", () => c.TryAddCount(2));
            t.Get("CurrentCount", () => c.CurrentCount);
            t.Get("InitialCount", () => c.InitialCount);
            t.Get("Signal(8)", () => c.Signal(8));
            t.Get("Signal(7)", () => c.Signal(7));
            t.Get("IsSet", () => c.IsSet);
            t.Do("Reset(0)", () => c.Reset(0));
            t.Get("IsSet", () => c.IsSet);
            t.Get("InitialCount", () => c.InitialCount);
            t.Do("Reset(1)", () => c.Reset(1));
            t.Get("Wait(TimeSpan.FromMilliseconds(20))", () => c.Wait(TimeSpan.FromMilliseconds(20)));
        },
        ["arguments out of range"] = (type, t) =>
        {
            t.Get("new(-1)", () => New(type, -1));
            t.Get("new(0).IsSet", () => ((dynamic)New(type, 0)).IsSet);
            dynamic c = New(type, 1);
            t.Get("Signal(0)", () => c.Signal(0));
            t.Get("Signal(-1)", () => c.Signal(-1));
            t.Do("AddCount(0)", () => c.AddCount(0));
            t.Get("TryAddCount(-1)", () => c.TryAddCount(-1));
            t.Do("AddCount(int.MaxValue)", () => c.AddCount(int.MaxValue));
            t.Get("TryAddCount(int.MaxValue)", () => c.TryAddCount(int.MaxValue));
            t.Do("Reset(-1)", () => c.Reset(-1));
            t.Get("Wait(-2)", () => c.Wait(-2));
            t.Get("Wait(int.MaxValue + 1 ms)", () => c.Wait(TimeSpan.FromMilliseconds(int.MaxValue + 1.0)));
            t.Get("CurrentCount", () => c.CurrentCount);
        },
        ["a canceled token"] = (type, t) =>
        {
            dynamic c = New(type, 0);
            using var canceled = new CancellationTokenSource();
            canceled.Cancel();
            t.Do("Wait(canceled) when set", () => c.Wait(canceled.Token));
            t.Get("Wait(-2, canceled)", () => c.Wait(-2, canceled.Token));
        },
        ["disposed"] = (type, t) =>
        {
            dynamic c = New(type, 2);
            t.Do("Dispose", () => c.Dispose());
            t.Get("CurrentCount", () => c.CurrentCount);
            t.Get("IsSet", () => c.IsSet);
            t.Get("Signal", () => c.Signal());
            t.Get("Signal(0)", () => c.Signal(0));
            t.Get("Signal(1)", () => c.Signal(1));
            t.Do("AddCount", () => c.AddCount());
            t.Get("TryAddCount(0)", () => c.TryAddCount(0));
            t.Do("Reset", () => c.Reset());
            t.Do("Reset(-1)", () => c.Reset(-1));
            t.Get("Wait(0)", () => c.Wait(0));
            t.Get("Wait(-2)", () => c.Wait(-2));
            t.Get("WaitHandle", () => c.WaitHandle);
            t.Do("Dispose", () => c.Dispose());
        },
        ["a waiting thread goes on at the last signal"] = (type, t) =>
        {
            dynamic c = New(type, 2);
            var waiter = OnThread(() => c.Wait(10_000));
            Thread.Sleep(30);
            t.Get("Signal", () => c.Signal());
            Thread.Sleep(30);
            t.Get("the waiter has returned", () => waiter.Done);
            t.Get("Signal", () => c.Signal());
            t.Get("the waiter's Wait(10 s)", () => waiter.Result());
        },
    };

    public static IEnumerable<string> EventScripts => s_eventScripts.Keys;

    public static IEnumerable<string> CountdownScripts => s_countdownScripts.Keys;

    [TestCaseSource(nameof(EventScripts))]
    public void The_twin_does_what_the_runtimes_ManualResetEventSlim_does(string script) =>
        SameSteps(s_eventScripts[script], typeof(RuntimeEvent), typeof(TwinEvent));

    [TestCaseSource(nameof(CountdownScripts))]
    public void The_twin_does_what_the_runtimes_CountdownEvent_does(string script) =>
        SameSteps(s_countdownScripts[script], typeof(RuntimeCountdown), typeof(TwinCountdown));

    [TestCase(typeof(RuntimeEvent), typeof(TwinEvent))]
    [TestCase(typeof(RuntimeCountdown), typeof(TwinCountdown))]
    public void The_twin_has_every_public_and_protected_member_of_the_runtimes_type(Type runtime, Type twin)
    {
        MustHaveTheSurfaceOf(twin, runtime);
    }

    private static void SameSteps(Action<Type, CallTrace> script, Type runtimeType, Type twinType) =>
        CallTrace.MustBeTheSame(runtimeType.FullName!, t => script(runtimeType, t), t => script(twinType, t));
}
