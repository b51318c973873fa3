namespace Katas.LockedCounter;

// Known wrong: the operations are locked correctly, but X, written like the lesson's acquire()/release(), returns
// between the two: Monitor.Exit is never reached. The first read of X leaves the lock held by its thread for ever, and
// every operation on another thread then waits for ever. Nothing shows while X is only read after the operations.
public sealed class SharedCounter(int firstTarget = 3_000_000, int secondTarget = 6_000_000)
{
    private readonly object _gate = new();
    private int _x;

    public int FirstTarget { get; } = firstTarget;

    public int SecondTarget { get; } = secondTarget;

    public int X
    {
        get
        {
            Monitor.Enter(_gate);
            return _x;
        }
    }

    public int FirstOperation()
    {
        lock (_gate)
        {
            while (_x < FirstTarget)
            {
                _x++;
            }

            return _x;
        }
    }

    public int SecondOperation()
    {
        lock (_gate)
        {
            while (_x < SecondTarget)
            {
                _x++;
            }

            return _x;
        }
    }
}
