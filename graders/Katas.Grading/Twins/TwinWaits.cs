// What the controlled twins of this folder share: time-outs validated as the runtime validates them, deadlines, and
// waits on a gate that a canceled token wakes. Compiled with them into the graded assembly; internal, so a student's
// code sees nothing new. Under Coyote a timed Monitor.Wait never times out (Coyote does not model time).
namespace System.Threading;

internal static class TwinWaits
{
    private const string Range = "The specified timeout must represent a value between -1 and Int32.MaxValue, inclusive.";

    /// <summary>A TimeSpan time-out in milliseconds; ArgumentOutOfRangeException outside -1 ms .. int.MaxValue ms.</summary>
    public static int Milliseconds(TimeSpan timeout)
    {
        var milliseconds = (long)timeout.TotalMilliseconds;
        if (milliseconds is < -1 or > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, Range);
        }

        return (int)milliseconds;
    }

    /// <summary>ArgumentOutOfRangeException for a time-out below -1 (Timeout.Infinite).</summary>
    public static void Validate(int millisecondsTimeout)
    {
        if (millisecondsTimeout < Timeout.Infinite)
        {
            throw new ArgumentOutOfRangeException(nameof(millisecondsTimeout), millisecondsTimeout, Range);
        }
    }

    /// <summary>When a wait of <paramref name="millisecondsTimeout"/> from now ends (long.MaxValue: never).</summary>
    public static long Deadline(int millisecondsTimeout) =>
        millisecondsTimeout == Timeout.Infinite ? long.MaxValue : Environment.TickCount64 + millisecondsTimeout;

    /// <summary>
    /// Waits on <paramref name="gate"/>, held by the caller, until it is pulsed: false, without waiting, once the
    /// deadline has passed.
    /// </summary>
    public static bool Wait(object gate, long deadline)
    {
        if (deadline == long.MaxValue)
        {
            Monitor.Wait(gate);
            return true;
        }

        var left = deadline - Environment.TickCount64;
        if (left <= 0)
        {
            return false;
        }

        Monitor.Wait(gate, (int)left);
        return true;
    }

    /// <summary>
    /// Wakes every waiter of <paramref name="gate"/> when the token is canceled. Register outside the gate, as the runtime
    /// does: disposing a registration waits for a running callback, which needs the gate.
    /// </summary>
    public static CancellationTokenRegistration WakeOn(CancellationToken cancellationToken, object gate) =>
        cancellationToken.CanBeCanceled
            ? cancellationToken.Register(() =>
            {
                lock (gate)
                {
                    Monitor.PulseAll(gate);
                }
            })
            : default;
}
