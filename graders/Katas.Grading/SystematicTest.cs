using Microsoft.Coyote;
using Microsoft.Coyote.Logging;
using Microsoft.Coyote.SystematicTesting;
using NUnit.Framework;

namespace Katas.Grading;

/// <summary>
/// Runs a test body under Coyote: the body is executed many times, each time with a different (but
/// seeded, hence repeatable) interleaving of its threads, with a scheduling point at every memory access.
/// </summary>
public static class SystematicTest
{
    /// <summary>Set to a trace file to replay exactly that schedule once.</summary>
    public const string ReplayVariable = "KATAS_REPLAY";

    public static SystematicVerdict Explore(Action body, ExplorationSettings? settings = null)
    {
        settings ??= ExplorationSettings.Default;
        RealThreads.MustBeRewritten(body.Method.DeclaringType?.Assembly);

        var replay = Environment.GetEnvironmentVariable(ReplayVariable);
        var legs = !string.IsNullOrEmpty(replay) && File.Exists(replay)
            ? [new ExplorationLeg(settings.Strategies.FirstOrDefault(), settings.Seed, 1)]
            : settings.Plan();

        // The strategies take turns (ExplorationSettings.Plan); the first schedule that breaks something ends it. Each
        // turn runs in chunks of a few schedules, so that a busy machine shortens the exploration instead of failing
        // it: once the time limit has passed, no new chunk starts and the schedules explored so far decide. Only a
        // chunk that itself runs past the limit (code that never returns, outside Coyote's control) is a time-out.
        var deadline = DateTime.UtcNow + settings.TimeLimit;
        var explored = 0;
        var planned = legs.Sum(leg => (long)leg.Iterations);
        var uncontrolled = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in legs.SelectMany(Chunks))
        {
            if (explored > 0 && DateTime.UtcNow >= deadline)
            {
                break;
            }

            var verdict = ExploreLeg(body, settings, chunk, settings.TimeLimit, replay);
            uncontrolled.UnionWith(verdict.UncontrolledInvocations);
            if (verdict.Outcome == SystematicOutcome.TimedOut)
            {
                return verdict;
            }

            verdict = verdict with { Iterations = explored + verdict.Iterations, UncontrolledInvocations = uncontrolled };
            if (verdict.FoundBug)
            {
                return verdict;
            }

            explored = verdict.Iterations;
        }

        return new SystematicVerdict
        {
            Outcome = SystematicOutcome.NoBugFound,
            Seed = settings.Seed,
            Iterations = explored,
            CutShortByTime = explored < planned,
            UncontrolledInvocations = uncontrolled,
        };
    }

    private const uint ChunkSize = 10;

    /// <summary>A turn in chunks of <see cref="ChunkSize"/> schedules; each further chunk with a seed of its own.</summary>
    private static IEnumerable<ExplorationLeg> Chunks(ExplorationLeg leg)
    {
        for (uint done = 0, k = 0; done < leg.Iterations; done += ChunkSize, k++)
        {
            yield return leg with { Seed = leg.Seed + 100 * k, Iterations = Math.Min(ChunkSize, leg.Iterations - done) };
        }
    }

    private static SystematicVerdict ExploreLeg(Action body, ExplorationSettings settings, ExplorationLeg leg, TimeSpan limit, string? replay)
    {
        var configuration = Configuration.Create()
            .WithTestingIterations(leg.Iterations)
            .WithRandomGeneratorSeed(leg.Seed)
            .WithMaxSchedulingSteps(settings.UnfairSteps, settings.MaxSteps)
            .WithFailureOnMaxStepsBoundEnabled(true)
            .WithMemoryAccessRaceCheckingEnabled(true)
            .WithTelemetryEnabled(false);
        // The fair variants: after UnfairSteps steps they schedule fairly, so that a correct spin lock (a thread
        // yielding until another releases) is not starved into a false "endless loop" (measured: unfair Prioritization
        // failed kata 04's right interlocked-gate fixture in interleaving 14).
        configuration = leg.Strategy switch
        {
            ExplorationStrategy.Prioritization => configuration.WithPrioritizationStrategy(true, 10),
            ExplorationStrategy.DelayBounding => configuration.WithDelayBoundingStrategy(true, 10),
            ExplorationStrategy.Probabilistic => configuration.WithProbabilisticStrategy(3),
            _ => configuration.WithRandomStrategy(),
        };

        if (!string.IsNullOrEmpty(replay) && File.Exists(replay))
        {
            configuration = configuration.WithReproducibleTrace(File.ReadAllText(replay));
        }

        using var engine = TestingEngine.Create(configuration, body);
        // Coyote's own progress lines would bury the student's message; keep them for the trace file only.
        var log = new MemoryLogger(VerbosityLevel.Info);
        engine.SetLogger(log);

        bool finished;
        Exception? crash;
        using (Invariant.Exploring())
        {
            finished = Bounded.TryRun(limit, engine.Run, out crash);
        }

        if (!finished)
        {
            engine.Stop();
            return new SystematicVerdict
            {
                Outcome = SystematicOutcome.TimedOut,
                Bug = $"{leg.Iterations} schedules did not finish within {limit.TotalSeconds:0} s.",
                Seed = leg.Seed,
                Strategy = leg.Strategy,
                Iterations = -1,
            };
        }

        if (crash is not null)
        {
            throw new InvalidOperationException("Coyote's testing engine failed; this is a grader problem, not yours.", crash);
        }

        var report = engine.TestReport;
        var bug = report.BugReports.FirstOrDefault();
        var verdict = new SystematicVerdict
        {
            Outcome = bug is null ? SystematicOutcome.NoBugFound : Classify(bug),
            Bug = bug,
            Seed = leg.Seed,
            Strategy = leg.Strategy,
            Iterations = report.NumOfExploredFairPaths + report.NumOfExploredUnfairPaths,
            UncontrolledInvocations = report.UncontrolledInvocations,
        };

        return bug is null ? verdict : verdict with { TraceFile = SaveTrace(engine.ReproducibleTrace, log.ToString()) };
    }

    private static SystematicOutcome Classify(string bug) => bug switch
    {
        _ when bug.StartsWith("Deadlock detected", StringComparison.Ordinal) => SystematicOutcome.Deadlock,
        _ when bug.StartsWith("Potential deadlock", StringComparison.Ordinal) => SystematicOutcome.PotentialHang,
        _ when bug.StartsWith("Scheduling steps bound", StringComparison.Ordinal) => SystematicOutcome.EndlessLoop,
        _ when bug.StartsWith("Unhandled exception", StringComparison.Ordinal) => SystematicOutcome.UnhandledException,
        _ => SystematicOutcome.InvariantBroken,
    };

    private static string? SaveTrace(string trace, string log)
    {
        if (string.IsNullOrEmpty(trace))
        {
            return null;
        }

        var test = TestContext.CurrentContext.Test.Name;
        // Next to the grader: `katas grade` leaves this folder out of its tamper check (tools/Katas.Cli/GradingWorkspace.cs).
        var folder = Path.Combine(TestContext.CurrentContext.WorkDirectory, "coyote-traces");
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, string.Concat(test.Select(c => char.IsLetterOrDigit(c) ? c : '_')) + ".trace.json");
        File.WriteAllText(file, trace);
        File.WriteAllText(Path.ChangeExtension(file, ".log"), log);
        return file;
    }
}
