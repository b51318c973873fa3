using Microsoft.Coyote.Specifications;

namespace Katas.Grading;

/// <summary>
/// States a property the student's code must keep. The same check serves both ways of grading:
/// inside a Coyote exploration it becomes a Coyote assertion (so the failing schedule is recorded),
/// in a plain or stress run it throws <see cref="InvariantViolationException"/>.
/// </summary>
public static class Invariant
{
    private static volatile bool s_exploring;

    /// <summary>Whether a Coyote exploration is running (then every thread of the run is under Coyote's scheduler).</summary>
    public static bool IsExploring => s_exploring;

    public static void Holds(bool condition, string message)
    {
        if (condition)
        {
            return;
        }

        if (s_exploring)
        {
            Specification.Assert(false, message);
        }

        throw new InvariantViolationException(message);
    }

    /// <summary>Marks the span in which <see cref="Holds"/> reports to Coyote.</summary>
    internal static IDisposable Exploring()
    {
        s_exploring = true;
        return new EndOfExploration();
    }

    private sealed class EndOfExploration : IDisposable
    {
        public void Dispose() => s_exploring = false;
    }
}

/// <summary>The student's code broke a property the grader checks; the message says which, in the student's terms.</summary>
public sealed class InvariantViolationException(string message) : Exception(message);
