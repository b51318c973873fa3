namespace Katas.SemaphoreLimit;

// Known wrong: C# 13's System.Threading.Lock instead of a semaphore. Like any lock it lets only one worker
// in. Coyote cannot see inside Lock, so the grader checks on real threads: there the first worker waits
// for company that never comes, gives up after a time limit, and the failure must still say why.
public sealed class Throttle
{
    private readonly Lock _gate = new();

    public Throttle(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        Limit = limit;
    }

    public int Limit { get; }

    public void Enter() => _gate.Enter();

    public void Exit() => _gate.Exit();

    public T Run<T>(Func<T> work)
    {
        lock (_gate)
        {
            return work();
        }
    }

    public void Run(Action work)
    {
        lock (_gate)
        {
            work();
        }
    }
}
