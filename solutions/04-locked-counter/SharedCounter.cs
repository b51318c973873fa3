namespace Katas.LockedCounter;

/// <summary>
/// The lesson's shared <c>x</c> and its two operations. <see cref="FirstOperation"/> counts x up to
/// <see cref="FirstTarget"/>, <see cref="SecondOperation"/> up to <see cref="SecondTarget"/>; each returns
/// the value of x it finished at (the lesson printed it).
/// </summary>
public sealed class SharedCounter(int firstTarget = 3_000_000, int secondTarget = 6_000_000)
{
    // A private object that only this class can lock: code outside cannot take it and stall us
    // (locking on `this` or on a string would let it).
    private readonly object _gate = new();
    private int _x;

    public int FirstTarget { get; } = firstTarget;

    public int SecondTarget { get; } = secondTarget;

    /// <summary>The current value of x.</summary>
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

    // The whole operation holds the lock: the check `_x < target`, every increment, and the value
    // returned. Locking only the increment would let the other thread slip in between check and
    // increment, or between the loop and the return.
    public int FirstOperation()
    {
        lock (_gate)
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
        lock (_gate)
        {
            while (_x < SecondTarget)
            {
                _x++;
            }

            return _x;
        }
    }
}
