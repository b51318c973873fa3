namespace Katas.LockedCounter;

/// <summary>
/// The lesson's shared <c>x</c> and its two operations. <see cref="FirstOperation"/> counts x up to
/// <see cref="FirstTarget"/>, <see cref="SecondOperation"/> up to <see cref="SecondTarget"/>; each returns
/// the value of x it finished at (the lesson printed it).
/// </summary>
/// <remarks>
/// TODO: the two operations run on two threads at the same time (see <see cref="LockedCounterProgram"/>),
/// and right now they race. Make each whole operation run under one lock, as the lesson's
/// <c>lock.acquire()</c> / <c>lock.release()</c> did. See README.md.
/// </remarks>
public sealed class SharedCounter(int firstTarget = 3_000_000, int secondTarget = 6_000_000)
{
    private int _x;

    public int FirstTarget { get; } = firstTarget;

    public int SecondTarget { get; } = secondTarget;

    /// <summary>The current value of x.</summary>
    public int X => _x;

    public int FirstOperation()
    {
        while (_x < FirstTarget)
        {
            _x++;
        }

        return _x;
    }

    public int SecondOperation()
    {
        while (_x < SecondTarget)
        {
            _x++;
        }

        return _x;
    }
}
