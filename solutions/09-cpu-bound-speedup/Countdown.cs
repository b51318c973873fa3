namespace Katas.CpuBoundSpeedup;

/// <summary>The lesson's <c>count(n)</c>: pure CPU work, no waiting, nothing shared.</summary>
public static class Countdown
{
    /// <summary>
    /// Counts <paramref name="n"/> down to zero. Returns a checksum of the steps: a loop whose result nobody
    /// uses is dead code the JIT may delete, and then there would be nothing left to run in parallel.
    /// </summary>
    public static long Count(long n)
    {
        long checksum = 0;
        while (n > 0)
        {
            checksum = checksum * 31 + n;
            n--;
        }

        return checksum;
    }
}
