namespace Katas.DelayedStart;

/// <summary>
/// The locked counter of kata 04, given. In the lesson's Timer example the counter had no lock: the
/// one-second delay kept the operations apart. A delay is not synchronization, though: on a busy
/// machine the first operation can take longer than the delay, and then they race. So the lock stays.
/// </summary>
public sealed class SharedCounter(int firstTarget = 3_000_000, int secondTarget = 6_000_000)
{
    private readonly object _gate = new();
    private int _x;

    public int FirstOperation() => CountTo(firstTarget);

    public int SecondOperation() => CountTo(secondTarget);

    private int CountTo(int target)
    {
        lock (_gate)
        {
            while (_x < target)
            {
                _x++;
            }

            return _x;
        }
    }
}
