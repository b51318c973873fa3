// A controlled twin of C# 13's System.Threading.Lock, compiled INTO every kata's graded assembly by
// graders/Kata.Code.targets (never into Katas.Grading, whose project leaves Twins/ out). A type declared in the compiled
// sources wins over the runtime's type of the same name (warning CS0436), and C# lowers `lock (x)` on a field of this
// type to EnterScope()/Dispose(), as it does for the runtime's Lock. Built on Monitor, which `coyote rewrite` controls,
// so Coyote explores code that locks on a Lock instead of reporting "Potential deadlock or hang" for correct code
// (Coyote 1.7.11 does not know the type).
// Measured in kata 04: the whole loop locked but the result read after the lock block was found by Coyote in schedule 11
// with this twin, and on real threads (the fallback without it) in 0 of 200 runs started together, 3 of 40,000 short
// rounds; a correct Lock counter passes. In kata 06, Lock-typed account locks taken in opposite orders: Coyote names
// both threads of the deadlock, where real threads had given a time-out that named nobody. In kata 07, a count checked
// outside the Lock: found in interleaving 1 on every run, where real threads caught it only by chance.
// Every public member of the runtime's Lock (.NET 9/10) is here, and each does what the runtime's does, call by call
// (graders/Katas.Grading.Tests/TwinLockTests.cs), so that student code compiles and runs unchanged.
namespace System.Threading;

/// <summary>Stands in for System.Threading.Lock in graded code (see the comment at the top of the file).</summary>
public sealed class Lock
{
    private readonly object _monitor = new();

    /// <summary>Whether the current thread holds this lock.</summary>
    public bool IsHeldByCurrentThread => Monitor.IsEntered(_monitor);

    /// <summary>Waits for the lock and takes it (re-entrant, as the runtime's Lock).</summary>
    public void Enter() => Monitor.Enter(_monitor);

    /// <summary>Takes the lock if it is free right now.</summary>
    public bool TryEnter() => Monitor.TryEnter(_monitor);

    /// <summary>Waits for the lock up to <paramref name="millisecondsTimeout"/> ms (-1: for ever).</summary>
    public bool TryEnter(int millisecondsTimeout) => Monitor.TryEnter(_monitor, millisecondsTimeout);

    /// <summary>Waits for the lock up to <paramref name="timeout"/>.</summary>
    public bool TryEnter(TimeSpan timeout) => Monitor.TryEnter(_monitor, timeout);

    /// <summary>Releases the lock; throws SynchronizationLockException if this thread does not hold it.</summary>
    public void Exit() => Monitor.Exit(_monitor);

    /// <summary>Takes the lock and returns the scope whose Dispose releases it (what `lock` and `using` call).</summary>
    public Scope EnterScope()
    {
        Monitor.Enter(_monitor);
        return new Scope(this);
    }

    /// <summary>A held lock; disposing it releases the lock once.</summary>
    public ref struct Scope
    {
        private Lock? _lock;

        internal Scope(Lock held) => _lock = held;

        public void Dispose()
        {
            var held = _lock;
            if (held is not null)
            {
                _lock = null;
                held.Exit();
            }
        }
    }
}
