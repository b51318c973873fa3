namespace Katas.Grading;

/// <summary>What a systematic exploration concluded, in terms a grader can act on.</summary>
public enum SystematicOutcome
{
    /// <summary>No schedule broke an invariant.</summary>
    NoBugFound,

    /// <summary>A schedule broke an invariant the grader stated (lost update, too many inside, ...).</summary>
    InvariantBroken,

    /// <summary>All controlled threads were blocked on each other: a real deadlock.</summary>
    Deadlock,

    /// <summary>Something Coyote does not control was waiting: a hang, or a false alarm. Never a verdict alone.</summary>
    PotentialHang,

    /// <summary>A schedule ran past the step bound: an endless loop or a livelock.</summary>
    EndlessLoop,

    /// <summary>The student's code threw an exception that nobody caught.</summary>
    UnhandledException,

    /// <summary>The exploration ran past its wall-clock limit.</summary>
    TimedOut,
}

/// <summary>The result of <see cref="SystematicTest.Explore"/>.</summary>
public sealed record SystematicVerdict
{
    public required SystematicOutcome Outcome { get; init; }

    /// <summary>Coyote's bug text (the invariant's message for <see cref="SystematicOutcome.InvariantBroken"/>).</summary>
    public string? Bug { get; init; }

    public required uint Seed { get; init; }

    /// <summary>The strategy whose schedule decided the verdict (the last one tried when none broke anything).</summary>
    public ExplorationStrategy Strategy { get; init; }

    /// <summary>Schedules explored by all strategies, including the one that failed.</summary>
    public required int Iterations { get; init; }

    /// <summary>Whether the time limit ended the exploration before every planned schedule ran (a busy machine).</summary>
    public bool CutShortByTime { get; init; }

    /// <summary>Where the failing schedule was saved for replay, if one failed.</summary>
    public string? TraceFile { get; init; }

    /// <summary>Calls Coyote saw but could not control (from its report).</summary>
    public IReadOnlyCollection<string> UncontrolledInvocations { get; init; } = [];

    public bool FoundBug => Outcome is not SystematicOutcome.NoBugFound;

    /// <summary>How a student replays the failing schedule, step for step.</summary>
    public string ReplayHint(string testName) => TraceFile is null
        ? $"The exploration is deterministic (seed {Seed}): running the grader again shows the same result."
        : $"The exploration is deterministic (seed {Seed}): running the grader again shows the same result. " +
          $"To replay only the failing schedule: {SystematicTest.ReplayVariable}={TraceFile} dotnet test --filter \"Name={testName}\"";
}
