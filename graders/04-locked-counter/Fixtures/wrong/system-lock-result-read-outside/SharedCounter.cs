namespace Katas.LockedCounter;

// Known wrong: C# 13's System.Threading.Lock around the whole loop, but `return _x;` is after the lock
// block. Between leaving the lock and reading x, the other thread may take the lock and count on, so
// FirstOperation can return a value between its target and SecondTarget. Hard for the grader: the window
// is a few instructions (on real threads: 0 of 200 runs, 3 of 40,000 rounds started together), and Coyote
// cannot see inside the runtime's Lock; the controlled twin of Lock lets Coyote find it every time.
public sealed class SharedCounter(int firstTarget = 3_000_000, int secondTarget = 6_000_000)
{
    private readonly Lock _gate = new();
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
