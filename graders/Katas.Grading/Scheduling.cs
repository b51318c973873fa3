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
