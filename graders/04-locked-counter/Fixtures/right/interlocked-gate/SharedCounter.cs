namespace Katas.LockedCounter;

// Known right: a hand-made lock from Interlocked.CompareExchange (a spin lock). It is correct; it is
// not what the kata recommends (a waiting thread burns CPU), but the grader must not fail it.
public sealed class SharedCounter(int firstTarget = 3_000_000, int secondTarget = 6_000_000)
{
    private int _busy;
    private int _x;

    public int FirstTarget { get; } = firstTarget;

    public int SecondTarget { get; } = secondTarget;

    public int X => CountTo(0);

    public int FirstOperation() => CountTo(FirstTarget);

    public int SecondOperation() => CountTo(SecondTarget);

    private int CountTo(int target)
    {
        while (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            Thread.Yield();
        }

        try
        {
            while (_x < target)
            {
                _x++;
            }

            return _x;
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }
}
