namespace Katas.SemaphoreLimit;

// Known wrong: Enter waits at most 5 s "so that a stuck worker cannot hang the program", and then goes in
// anyway (Wait returned false: no slot was taken). Its Exit later gives back a slot it never had. A check
// that watches a full throttle for a second or two sees the worker waiting, as it should. (The same mistake as
// `_slots.Wait(timeout);` with its result ignored, whatever the time-out: this fixture stands for both.)
public sealed class Throttle
{
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _slots;

    public Throttle(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        Limit = limit;
        _slots = new SemaphoreSlim(limit, limit);
    }

    public int Limit { get; }

    public void Enter()
    {
        if (!_slots.Wait(s_patience))
        {
            Console.Error.WriteLine("Throttle: waited 5 s for a slot, going ahead");
        }
    }

    public void Exit() => _slots.Release();

    public T Run<T>(Func<T> work)
    {
        Enter();
        try
        {
            return work();
        }
        finally
        {
            Exit();
        }
    }

    public void Run(Action work)
    {
        Enter();
        try
        {
            work();
        }
        finally
        {
            Exit();
        }
    }
}
