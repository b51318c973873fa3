namespace Katas.Grading;

/// <summary>How one systematic (Coyote) exploration is bounded.</summary>
/// <remarks>
/// The seed is fixed so that the same code gets the same verdict on every machine and every run:
/// a student who sees a failure can run the grader again and see the same failure.
/// </remarks>
public sealed record ExplorationSettings
{
    public static ExplorationSettings Default { get; } = new();

    /// <summary>Schedules to try. Every known-wrong fixture is caught within the first few.</summary>
    public uint Iterations { get; init; } = 100;

    public uint Seed { get; init; } = 20261125;

    /// <summary>Scheduling steps one schedule may take before it counts as an endless loop.</summary>
    public uint MaxSteps { get; init; } = 20_000;

    /// <summary>
    /// How Coyote picks the next thread. Random found every known-wrong fixture within 4 interleavings;
    /// Coyote's default portfolio needed up to 19 (bash bench/grading.sh --strategies). KATAS_COYOTE_STRATEGY
    /// overrides it, for that benchmark only.
    /// </summary>
    public ExplorationStrategy Strategy { get; init; } =
        Enum.TryParse<ExplorationStrategy>(Environment.GetEnvironmentVariable("KATAS_COYOTE_STRATEGY"), ignoreCase: true, out var chosen)
            ? chosen
            : ExplorationStrategy.Random;

    /// <summary>Wall-clock bound of the whole exploration, for code that spins outside Coyote's control.</summary>
    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>Coyote's scheduling strategies that graders may use.</summary>
public enum ExplorationStrategy
{
    Random,
    Portfolio,
    Prioritization,
    DelayBounding,
}
