namespace Katas.LockedCounter;

// Known wrong: Interlocked.Increment makes each increment atomic, but the loop's check and the
// increment are still two separate steps (check-then-act), and the two loops still interleave.
public sealed class SharedCounter(int firstTarget = 3_000_000, int secondTarget = 6_000_000)
{
    private int _x;

    public int FirstTarget { get; } = firstTarget;

    public int SecondTarget { get; } = secondTarget;

    public int X => Volatile.Read(ref _x);

    public int FirstOperation()
    {
        while (Volatile.Read(ref _x) < FirstTarget)
        {
            Interlocked.Increment(ref _x);
        }

        return Volatile.Read(ref _x);
    }

    public int SecondOperation()
    {
        while (Volatile.Read(ref _x) < SecondTarget)
        {
            Interlocked.Increment(ref _x);
        }

        return Volatile.Read(ref _x);
    }
}
