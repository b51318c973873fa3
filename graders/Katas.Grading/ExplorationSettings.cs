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

    /// <summary>Wall-clock bound of the whole exploration, for code that spins outside Coyote's control.</summary>
    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromSeconds(60);
}
