namespace Katas.Grading;

/// <summary>
/// How the grader threads of one run of a scenario are driven: a <see cref="ConcurrencyCheck"/> runs its
/// <see cref="ConcurrencyCheck.Iteration"/> under Coyote and its <see cref="ConcurrencyCheck.StressIteration"/> on real
/// threads, and a scenario that waits for the student's code to reach a state (workers inside together, calls that
/// need company) is told which, because its waits differ.
/// </summary>
public enum Scheduling
{
    /// <summary>
    /// Under Coyote: the scenario's waits are untimed, so a state the student's code never lets happen (a worker that
    /// can never get in, calls that never get company) is a deadlock, reported with the schedule that led to it.
    /// </summary>
    Systematic,

    /// <summary>
    /// On real threads (the stress fallback): every wait has a patience, after which the scenario's threads give up and
    /// the run ends with the grader's explanation instead of hanging.
    /// </summary>
    RealThreads,
}

/// <summary>How a grader thread waits on its scenario's gate for the student's code to reach a state.</summary>
public static class SchedulingWaits
{
    /// <summary>
    /// One wait of a loop that waits on <paramref name="gate"/> (held by the caller) for a state. Under Coyote it is
    /// untimed, so a state the code never lets happen is a deadlock, reported with its schedule. On real threads, when
    /// <paramref name="patience"/> passes with no pulse and the wait is not <paramref name="over"/> (what it waited for
    /// happened, or another grader thread gave up), <paramref name="giveUp"/> runs (it records that the run is stuck, so
    /// that every other waiting grader thread's loop ends too), every waiter wakes, and the result is false.
    /// </summary>
    /// <remarks>
    /// The loop and its condition stay in the scenario, and the delegates run only on real threads: under Coyote every
    /// read of an instance field (a lambda's captured variables included) is a scheduling point, so a condition evaluated
    /// through a closure would change the interleavings the scenario's checks were measured with (bench/RESULTS.md).
    /// </remarks>
    /// <returns>False when this thread gave up; true otherwise.</returns>
    public static bool WaitOnce(this Scheduling scheduling, object gate, TimeSpan patience, Func<bool> over, Action? giveUp)
    {
        if (scheduling == Scheduling.Systematic)
        {
            Monitor.Wait(gate);
            return true;
        }

        if (Monitor.Wait(gate, patience) || over())
        {
            return true;
        }

        giveUp?.Invoke();
        Monitor.PulseAll(gate);
        return false;
    }
}
