namespace Katas.LockedCounter;

// Known wrong: the loop is locked, but the returned value is read after the lock is released,
// so the other thread may already have counted further: FirstOperation can return 4 or 5.
public sealed class SharedCounter(int firstTarget = 3_000_000, int secondTarget = 6_000_000)
{
    private readonly object _gate = new();
    private int _x;

    public int FirstTarget { get; } = firstTarget;

    public int SecondTarget { get; } = secondTarget;

    public int X => _x;

    public int FirstOperation()
    {
        lock (_gate)
        {
            while (_x < FirstTarget)
            {
                _x++;
            }
        }

        return _x;
    }

    public int SecondOperation()
    {
        lock (_gate)
        {
            while (_x < SecondTarget)
            {
                _x++;
            }
        }

        return _x;
    }
}
