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

        // The strategies take turns (ExplorationSettings.Plan); the first schedule that breaks something ends it.
        var deadline = DateTime.UtcNow + settings.TimeLimit;
        var explored = 0;
        var uncontrolled = new HashSet<string>(StringComparer.Ordinal);
        foreach (var leg in legs)
        {
            var verdict = ExploreLeg(body, settings, leg, deadline - DateTime.UtcNow, replay);
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
            UncontrolledInvocations = uncontrolled,
        };
    }

    private static SystematicVerdict ExploreLeg(Action body, ExplorationSettings settings, ExplorationLeg leg, TimeSpan timeLeft, string? replay)
    {
        var configuration = Configuration.Create()
            .WithTestingIterations(leg.Iterations)
            .WithRandomGeneratorSeed(leg.Seed)
            .WithMaxSchedulingSteps(settings.MaxSteps)
            .WithFailureOnMaxStepsBoundEnabled(true)
            .WithMemoryAccessRaceCheckingEnabled(true)
            .WithTelemetryEnabled(false);
        configuration = leg.Strategy switch
        {
            ExplorationStrategy.Prioritization => configuration.WithPrioritizationStrategy(false, 10),
            ExplorationStrategy.DelayBounding => configuration.WithDelayBoundingStrategy(false, 10),
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

        var finished = false;
        Exception? crash = null;
        if (timeLeft > TimeSpan.Zero)
        {
            using (Invariant.Exploring())
            {
                finished = Bounded.TryRun(timeLeft, engine.Run, out crash);
            }
        }

        if (!finished)
        {
            engine.Stop();
            return new SystematicVerdict
            {
                Outcome = SystematicOutcome.TimedOut,
                Bug = $"The exploration did not finish within {settings.TimeLimit.TotalSeconds:0} s.",
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
        var folder = Path.Combine(TestContext.CurrentContext.WorkDirectory, "coyote-traces");
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, string.Concat(test.Select(c => char.IsLetterOrDigit(c) ? c : '_')) + ".trace.json");
        File.WriteAllText(file, trace);
        File.WriteAllText(Path.ChangeExtension(file, ".log"), log);
        return file;
    }
}
