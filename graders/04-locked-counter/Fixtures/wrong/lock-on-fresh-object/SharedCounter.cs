namespace Katas.LockedCounter;

// Known wrong: `lock (new object())` creates a new lock object on every call, so each thread locks
// its own object and never waits for the other. It looks locked and excludes nothing.
public sealed class SharedCounter(int firstTarget = 3_000_000, int secondTarget = 6_000_000)
{
    private int _x;

    public int FirstTarget { get; } = firstTarget;

    public int SecondTarget { get; } = secondTarget;

    public int X => _x;

    public int FirstOperation()
    {
        lock (new object())
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
        lock (new object())
        {
            while (_x < SecondTarget)
            {
                _x++;
            }

            return _x;
        }
    }
}
