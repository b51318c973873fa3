namespace Katas.LockedCounter;

// Known right: what `lock` compiles to, written out, like the lesson's acquire()/try/finally/release().
public sealed class SharedCounter(int firstTarget = 3_000_000, int secondTarget = 6_000_000)
{
    private readonly object _gate = new();
    private int _x;

    public int FirstTarget { get; } = firstTarget;

    public int SecondTarget { get; } = secondTarget;

    public int X => CountTo(0);

    public int FirstOperation() => CountTo(FirstTarget);

    public int SecondOperation() => CountTo(SecondTarget);

    private int CountTo(int target)
    {
        var taken = false;
        try
        {
            Monitor.Enter(_gate, ref taken);
            while (_x < target)
            {
                _x++;
            }

            return _x;
        }
        finally
        {
            if (taken)
            {
                Monitor.Exit(_gate);
            }
        }
    }
}
