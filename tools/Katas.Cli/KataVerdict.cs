namespace Katas.Cli;

public enum KataState
{
    /// <summary>Every check passed (or could not be judged on this machine, which never costs points).</summary>
    Passed,

    /// <summary>It built and ran; some checks failed.</summary>
    Failed,

    /// <summary>The submission has no code for this kata.</summary>
    Missing,

    /// <summary>The kata's files are exactly the untouched stub's (graders/stubs.sha256): never graded, 0 points.</summary>
    NotStarted,

    /// <summary>The kata's code, or the grader against it, does not compile.</summary>
    DoesNotCompile,

    /// <summary>Build and checks together outlived the kata's time limit; everything it started was killed.</summary>
    TimedOut,

    /// <summary>The grader's test process ended before its checks did (Environment.Exit, a crash on a thread).</summary>
    Crashed,

    /// <summary>While it ran, the submission changed the grader's own files: the run does not count.</summary>
    Tampered,

    /// <summary>The run went over a limit of the sandbox (processes and threads, or memory) and was stopped at once.</summary>
    OverLimit,

    /// <summary>
    /// In a gradebook updated by a regrade (`grade --students`/`--katas` into an earlier --out), a cell no run has graded
    /// yet: a student new to the gradebook, graded on fewer katas than the others.
    /// </summary>
    NotGraded,
}

/// <param name="Score">Points earned, by the one rule of <see cref="Scoring"/>, to 2 decimals.</param>
/// <param name="Summary">One line for the student: what happened.</param>
/// <param name="Details">More for the student when there are no checks to show: compiler errors, the end of the output.</param>
public sealed record KataVerdict(
    string Kata,
    KataState State,
    double Score,
    int MaxScore,
    string Summary,
    IReadOnlyList<GraderTestResult> Checks,
    string Details,
    TimeSpan BuildTime,
    TimeSpan TestTime)
{
    /// <summary>How <see cref="Score"/> was counted, check by check; null when no check counted (see <see cref="State"/>).</summary>
    public KataScore? Scoring { get; init; }

    /// <summary>
    /// The graded code's <see cref="Submission.Fingerprint"/> (equal for byte-identical code of the kata), null when no
    /// code was graded. The class report groups identical submissions by it.
    /// </summary>
    public string? Fingerprint { get; init; }

    /// <summary>Whether the run's build and checks ran in the sandbox (<see cref="Katas.Cli.Sandbox"/>); false when no code ran.</summary>
    public bool Sandboxed { get; init; }

    /// <summary>Runs a teacher should look at: the code did not get a fair run, or none at all.</summary>
    public bool Flagged => State is KataState.TimedOut or KataState.OverLimit or KataState.Crashed or KataState.Tampered or KataState.DoesNotCompile or KataState.NotStarted or KataState.NotGraded;

    /// <summary>A verdict that earns nothing; <paramref name="checks"/> are those that ran before it went wrong, for the feedback.</summary>
    public static KataVerdict Without(string kata, KataState state, int maxScore, string summary, string details = "",
        TimeSpan buildTime = default, TimeSpan testTime = default, IReadOnlyList<GraderTestResult>? checks = null) =>
        new(kata, state, 0, maxScore, summary, checks ?? [], details, buildTime, testTime);

    /// <summary>The untouched stub: nothing to grade, nothing earned, whatever its grader would say.</summary>
    public static KataVerdict NotStarted(string kata, int maxScore) =>
        Without(kata, KataState.NotStarted, maxScore, "not started: the files are the untouched stub");

    public string StateLabel => State switch
    {
        KataState.Passed => "passed",
        KataState.Failed => "failed",
        KataState.Missing => "missing",
        KataState.NotStarted => "not started",
        KataState.DoesNotCompile => "does not compile",
        KataState.TimedOut => "timed out",
        KataState.Crashed => "crashed",
        KataState.Tampered => "tampered",
        KataState.OverLimit => "over a limit",
        KataState.NotGraded => "not graded",
        _ => State.ToString(),
    };
}
