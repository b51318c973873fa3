namespace Katas.LockedCounter;

// Known wrong: C# 13's System.Threading.Lock, but it guards only `_x++`. The check `_x < target` and the
// returned value are outside the lock, so the two loops still run at the same time: FirstOperation can
// return more than its target, and x can overshoot. Hard for the grader: Coyote cannot see inside the
// runtime's Lock, and on real threads this showed in 11% of runs (0 in 10,000 before the start gate). It
// passed a grader once; the controlled twin of Lock (graders/Katas.Grading/Twins/Lock.cs) lets Coyote find it.
public sealed class SharedCounter(int firstTarget = 3_000_000, int secondTarget = 6_000_000)
{
    private readonly Lock _gate = new();
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
