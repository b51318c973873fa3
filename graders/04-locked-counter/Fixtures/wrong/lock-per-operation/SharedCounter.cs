namespace Katas.LockedCounter;

// Known wrong: each operation has its own lock object. Both threads take "a" lock, never the same
// one, so they still run their loops at the same time.
public sealed class SharedCounter(int firstTarget = 3_000_000, int secondTarget = 6_000_000)
{
    private readonly object _firstGate = new();
    private readonly object _secondGate = new();
    private int _x;

    public int FirstTarget { get; } = firstTarget;

    public int SecondTarget { get; } = secondTarget;

    public int X => _x;

    public int FirstOperation()
    {
        lock (_firstGate)
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
        lock (_secondGate)
        {
            while (_x < SecondTarget)
            {
                _x++;
            }

            return _x;
        }
    }
}
