using System.Runtime.CompilerServices;

namespace Katas.LockedCounter;

// Known right: [MethodImpl(MethodImplOptions.Synchronized)], Java's `synchronized`: each method holds the
// lock of `this` for its whole body. README advises against locking `this` (outside code could take it),
// but nothing outside takes it here, and the operations and X are atomic. Hard for the grader: Coyote
// does not see synchronized methods, so every check runs on real threads.
public sealed class SharedCounter(int firstTarget = 3_000_000, int secondTarget = 6_000_000)
{
    private int _x;

    public int FirstTarget { get; } = firstTarget;

    public int SecondTarget { get; } = secondTarget;

    public int X
    {
        [MethodImpl(MethodImplOptions.Synchronized)]
        get => _x;
    }

    [MethodImpl(MethodImplOptions.Synchronized)]
    public int FirstOperation()
    {
        while (_x < FirstTarget)
        {
            _x++;
        }

        return _x;
    }

    [MethodImpl(MethodImplOptions.Synchronized)]
    public int SecondOperation()
    {
        while (_x < SecondTarget)
        {
            _x++;
        }

        return _x;
    }
}
