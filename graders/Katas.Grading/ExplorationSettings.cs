namespace Katas.Grading;

/// <summary>How one systematic (Coyote) exploration is bounded.</summary>
/// <remarks>
/// The seed is fixed so that the same code gets the same verdict on every machine and every run:
/// a student who sees a failure can run the grader again and see the same failure.
/// </remarks>
public sealed record ExplorationSettings
{
    public static ExplorationSettings Default { get; } = new();

    /// <summary>Schedules to try in all, shared by the strategies of the portfolio.</summary>
    public uint Iterations { get; init; } = 100;

    public uint Seed { get; init; } = 20261125;

    /// <summary>Scheduling steps one schedule may take before it counts as an endless loop.</summary>
    public uint MaxSteps { get; init; } = 200_000;

    /// <summary>
    /// Steps a schedule of Prioritization or DelayBounding runs by that strategy before it goes on fairly. Small
    /// scenarios finish long before; a correct spin lock (one thread yielding until another releases) does not, and
    /// unfair scheduling would starve it into a false endless loop. Each such schedule costs these steps.
    /// </summary>
    public uint UnfairSteps { get; init; } = 5_000;

    /// <summary>
    /// The strategies that share <see cref="Iterations"/>, each with the same fixed seed. One strategy alone has blind
    /// spots: a submission that joins only its last thread passed 30 Random schedules, where Prioritization found it in 2
    /// and DelayBounding in 1 on the same seed. KATAS_COYOTE_STRATEGY (one name) narrows it to one strategy, for
    /// bench/grading.sh --strategies only.
    /// </summary>
    public IReadOnlyList<ExplorationStrategy> Strategies { get; init; } =
        Enum.TryParse<ExplorationStrategy>(Environment.GetEnvironmentVariable("KATAS_COYOTE_STRATEGY"), ignoreCase: true, out var chosen)
            ? [chosen]
            : [ExplorationStrategy.Random, ExplorationStrategy.Prioritization, ExplorationStrategy.DelayBounding];

    /// <summary>Wall-clock bound of the whole exploration, for code that spins outside Coyote's control.</summary>
    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The order in which the strategies spend the budget: a short first round of each (most bugs fall in the first
    /// few schedules of one strategy or another), then the rest of the budget in a second round with the next seed, so
    /// that the second round does not repeat the schedules of the first.
    /// </summary>
    public IReadOnlyList<ExplorationLeg> Plan()
    {
        var strategies = Strategies.Count == 0 ? [ExplorationStrategy.Random] : Strategies;
        var count = (uint)strategies.Count;
        var first = Math.Max(1, Iterations / (4 * count));
        var legs = new List<ExplorationLeg>();
        var left = Iterations;
        foreach (var round in new[] { 0u, 1u })
        {
            for (var i = 0; i < strategies.Count && left > 0; i++)
            {
                var share = round == 0
                    ? Math.Min(first, left)
                    // The second round splits what is left; the last strategy takes the remainder.
                    : i == strategies.Count - 1 ? left : Math.Min(left, (Iterations - first * count) / count);
                if (share == 0)
                {
                    continue;
                }

                legs.Add(new ExplorationLeg(strategies[i], Seed + round, share));
                left -= share;
            }
        }

        return legs;
    }
}

/// <summary>Coyote's scheduling strategies that graders may use.</summary>
public enum ExplorationStrategy
{
    /// <summary>Picks the next thread uniformly at random at every scheduling point.</summary>
    Random,

    /// <summary>PCT: random thread priorities, changed at a few random points of the schedule.</summary>
    Prioritization,

    /// <summary>Runs threads in a fixed order and delays them at a few random points.</summary>
    DelayBounding,

    /// <summary>Like Random, but stays with the same thread most of the time.</summary>
    Probabilistic,
}

/// <summary>One strategy with one seed for a share of the schedules of an exploration.</summary>
public sealed record ExplorationLeg(ExplorationStrategy Strategy, uint Seed, uint Iterations);
