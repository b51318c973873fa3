using System.Runtime.CompilerServices;

namespace Katas.LockedCounter;

// Known wrong: the increment is a [MethodImpl(MethodImplOptions.Synchronized)] method (Java's `synchronized`), so
// each `x++` is atomic, but the check `x < target` and the returned value are outside it: the two loops still run at
// the same time. Coyote cannot see synchronized methods, so only the stress runs on real threads can catch this.
public sealed class SharedCounter(int firstTarget = 3_000_000, int secondTarget = 6_000_000)
{
    private int _x;

    public int FirstTarget { get; } = firstTarget;

    public int SecondTarget { get; } = secondTarget;

    public int X => _x;

    public int FirstOperation()
    {
        while (_x < FirstTarget)
        {
            Increment();
        }

        return _x;
    }

    public int SecondOperation()
    {
        while (_x < SecondTarget)
        {
            Increment();
        }

        return _x;
    }

    [MethodImpl(MethodImplOptions.Synchronized)]
    private void Increment() => _x++;
}
