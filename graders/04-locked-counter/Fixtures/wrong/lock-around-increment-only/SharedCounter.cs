namespace Katas.LockedCounter;

// Known wrong: only the increment is locked. The check `_x < target` happens outside, so both
// threads can pass the check on the same old value and both increment (x overshoots), and the
// value returned is read after the lock is gone.
public sealed class SharedCounter(int firstTarget = 3_000_000, int secondTarget = 6_000_000)
{
    private readonly object _gate = new();
    private int _x;

    public int FirstTarget { get; } = firstTarget;

    public int SecondTarget { get; } = secondTarget;

    public int X => _x;

    public int FirstOperation()
    {
        while (_x < FirstTarget)
        {
            lock (_gate)
            {
                _x++;
            }
        }

        return _x;
    }

    public int SecondOperation()
    {
        while (_x < SecondTarget)
        {
            lock (_gate)
            {
                _x++;
            }
        }

        return _x;
    }
}
