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
        var configuration = Configuration.Create()
            .WithTestingIterations(settings.Iterations)
            .WithRandomGeneratorSeed(settings.Seed)
            .WithMaxSchedulingSteps(settings.MaxSteps)
            .WithFailureOnMaxStepsBoundEnabled(true)
            .WithMemoryAccessRaceCheckingEnabled(true)
            .WithTelemetryEnabled(false);
        configuration = settings.Strategy switch
        {
            ExplorationStrategy.Portfolio => configuration,
            ExplorationStrategy.Prioritization => configuration.WithPrioritizationStrategy(false, 10),
            ExplorationStrategy.DelayBounding => configuration.WithDelayBoundingStrategy(false, 10),
            _ => configuration.WithRandomStrategy(),
        };

        var replay = Environment.GetEnvironmentVariable(ReplayVariable);
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
            finished = Bounded.TryRun(settings.TimeLimit, engine.Run, out crash);
        }

        if (!finished)
        {
            engine.Stop();
            return new SystematicVerdict
            {
                Outcome = SystematicOutcome.TimedOut,
                Bug = $"The exploration did not finish within {settings.TimeLimit.TotalSeconds:0} s.",
                Seed = settings.Seed,
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
            Seed = settings.Seed,
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
