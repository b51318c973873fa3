namespace Katas.LockedCounter;

// Known wrong: each operation starts counting from zero ("x = 0", as the lesson's program did once at the
// start). Locked, so nothing races, and FirstOperation then SecondOperation still gives 3 and 6. But
// SecondOperation then FirstOperation leaves x at FirstTarget, and every later call starts over: x no
// longer reports what the operations did together.
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
            lock (_gate)
            {
                return _x;
            }
        }
    }

    public int FirstOperation() => CountFromZeroTo(FirstTarget);

    public int SecondOperation() => CountFromZeroTo(SecondTarget);

    private int CountFromZeroTo(int target)
    {
        lock (_gate)
        {
            _x = 0;
            while (_x < target)
            {
                _x++;
            }

            return _x;
        }
    }
}
