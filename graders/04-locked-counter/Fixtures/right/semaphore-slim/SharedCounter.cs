namespace Katas.LockedCounter;

// Known right: a SemaphoreSlim with one slot works as a lock (the lesson's BoundedSemaphore(1)).
public sealed class SharedCounter(int firstTarget = 3_000_000, int secondTarget = 6_000_000)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private int _x;

    public int FirstTarget { get; } = firstTarget;

    public int SecondTarget { get; } = secondTarget;

    public int X => CountTo(0);

    public int FirstOperation() => CountTo(FirstTarget);

    public int SecondOperation() => CountTo(SecondTarget);

    private int CountTo(int target)
    {
        _gate.Wait();
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
            _gate.Release();
        }
    }
}
