using System.Text;
using NUnit.Framework;

namespace Katas.Grading;

/// <summary>
/// Grades one concurrency property of a kata. When Coyote can control every primitive the student used,
/// it explores many interleavings (deterministic, seeded); when it cannot (for example C# 13's
/// System.Threading.Lock), it would raise false alarms, so the property is checked with bounded stress runs
/// on real threads instead and the student is told why. A correct solution is never failed for its choice
/// of primitive.
/// </summary>
public sealed class ConcurrencyCheck
{
    /// <summary>Any type of the kata's code: locates the student's assembly.</summary>
    public required Type KataType { get; init; }

    /// <summary>The property, as the student would say it: "no increment is lost".</summary>
    public required string Property { get; init; }

    /// <summary>One small run: starts the threads, joins them, states invariants with <see cref="Invariant.Holds"/>.</summary>
    public required Action Iteration { get; init; }

    /// <summary>One run on real threads for the fallback; by default <see cref="Iteration"/>.</summary>
    public Action? StressIteration { get; init; }

    public int StressRuns { get; init; } = 200;

    public TimeSpan StressTimeLimit { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Counts, on real threads, only the stress runs whose <see cref="GraderThreads"/> were inside the student's code at
    /// the same time (<see cref="StressRunOverlap"/>), and runs until <see cref="StressRuns"/> of them did or
    /// <see cref="StressBudget"/> has passed. For a race that only shows when the threads overlap: on a busy machine
    /// most runs do not (measured in kata 04: 13 of 200).
    /// </summary>
    public bool StressRunsMustOverlap { get; init; }

    /// <summary>How long <see cref="StressRunsMustOverlap"/> may keep running for overlapping runs.</summary>
    public TimeSpan StressBudget { get; init; } = TimeSpan.FromSeconds(60);

    public ExplorationSettings Settings { get; init; } = ExplorationSettings.Default;

    /// <summary>Names the threads and locks of a deadlock, from what the failing schedule recorded.</summary>
    public Func<string>? ExplainDeadlock { get; init; }

    /// <summary>What to read to fix it (a README section or a docs page).</summary>
    public required string ReadNext { get; init; }

    /// <summary>
    /// Why a deadlock that Coyote reports may not be one in this student's code, or null (the default: a reported
    /// deadlock fails the check). Coyote does not model time: a Monitor.Wait(gate, timeout) never times out in its
    /// schedules, so code that recovers from a lost wake-up by looking again after a timeout is a deadlock there and a
    /// short delay on real threads. With a reason, a reported deadlock is not a verdict: the reason is printed and real
    /// threads decide, as for a potential hang (broken invariants are still Coyote's verdicts).
    /// </summary>
    public string? DeadlockInconclusiveBecause { get; init; }

    public void Verify()
    {
        var uncontrolled = UncontrolledApi.FindIn(KataType);
        if (RealThreads.InUnrewrittenCopy)
        {
            if (!RealThreads.IsStressRerun)
            {
                RealThreads.MustBeRewritten(KataType.Assembly);
            }

            // The rewritten run below sent this test here: real threads, running the code as compiled.
            if (KataInfo.ExplainTwinsFallback(KataType) is { } fallback)
            {
                TestContext.Out.WriteLine(fallback);
            }

            if (uncontrolled.Count > 0)
            {
                TestContext.Out.WriteLine(ExplainStressGrading(uncontrolled));
            }

            VerifyByStress();
            return;
        }

        RealThreads.MustBeRewritten(KataType.Assembly);
        RealThreads.MustBeRewritten(Iteration.Method.DeclaringType?.Assembly);
        if (uncontrolled.Count > 0)
        {
            RealThreads.RerunCurrentTestForStress();
            return;
        }

        var verdict = SystematicTest.Explore(Iteration, Settings);
        switch (verdict.Outcome)
        {
            case SystematicOutcome.NoBugFound:
                TestContext.Out.WriteLine(
                    $"Coyote explored {verdict.Iterations} interleavings ({StrategiesUsed()}, seed {verdict.Seed}): \"{Property}\" held in every one." +
                    (verdict.CutShortByTime
                        ? $" (The machine was busy: the time limit of {Settings.TimeLimit.TotalSeconds:0} s ended the exploration before the planned {Settings.Iterations}.)"
                        : ""));
                return;
            case SystematicOutcome.Deadlock when DeadlockInconclusiveBecause is { } reason:
                TestContext.Out.WriteLine(
                    $"Coyote reported a deadlock, but {reason}; checking with real threads instead.");
                RealThreads.RerunCurrentTestForStress();
                return;
            case SystematicOutcome.PotentialHang:
                // Coyote saw a wait it does not control. That is a hang or a false alarm; real threads decide.
                TestContext.Out.WriteLine(
                    "Coyote could not decide (a wait outside its control: " +
                    string.Join(", ", verdict.UncontrolledInvocations.DefaultIfEmpty("unknown")) +
                    "); checking with real threads instead.");
                RealThreads.RerunCurrentTestForStress();
                return;
            default:
                Assert.Fail(Describe(verdict));
                return;
        }
    }

    private string StrategiesUsed() => string.Join(", ", Settings.Strategies.Select(strategy => strategy.ToString()));

    private void VerifyByStress()
    {
        var run = StressIteration ?? Iteration;
        var budget = System.Diagnostics.Stopwatch.StartNew();
        int runs = 0, overlapping = 0;
        while (MoreStressRuns(runs, overlapping, budget.Elapsed))
        {
            runs++;
            using var overlap = StressRunOverlap.Begin();
            try
            {
                Bounded.Run(StressTimeLimit, $"stress run {runs} of \"{Property}\"", run);
            }
            catch (InvariantViolationException violation)
            {
                Assert.Fail(
                    $"\"{Property}\" is broken.\n{violation.Message}\n" +
                    $"Found in stress run {runs}{OfPlanned()} on real threads.\n" +
                    $"Code graded: {KataInfo.FolderOf(KataType)}\nRead next: {ReadNext}");
            }
            catch (GradingTimeoutException)
            {
                // Told like Coyote's deadlock: who was stuck where, from what the scenario recorded.
                var stuck = ExplainDeadlock?.Invoke() ??
                    "Every thread was waiting for something that no other thread would ever do (a deadlock), or a loop never ended.";
                Assert.Fail(
                    $"\"{Property}\" is broken.\nStress run {runs}{OfPlanned()} on real threads did not finish within " +
                    $"{StressTimeLimit.TotalSeconds:0.#} s. {stuck}\n" +
                    $"Code graded: {KataInfo.FolderOf(KataType)}\nRead next: {ReadNext}");
            }

            if (overlap.Seen)
            {
                overlapping++;
            }
        }

        if (!StressRunsMustOverlap)
        {
            TestContext.Out.WriteLine($"{runs} stress runs on real threads: \"{Property}\" held in every one.");
        }
        else if (overlapping >= StressRuns)
        {
            TestContext.Out.WriteLine(
                $"{runs} stress runs on real threads, {overlapping} of them with the threads inside your code at the same time: " +
                $"\"{Property}\" held in every one.");
        }
        else
        {
            TestContext.Out.WriteLine(
                $"{runs} stress runs on real threads in {budget.Elapsed.TotalSeconds:0} s: \"{Property}\" held in every one, but the " +
                $"machine was busy and only {overlapping} runs had the threads inside your code at the same time (the grader " +
                $"wanted {StressRuns}). A race shows only then: grade again on a quieter machine to be sure.");
        }
    }

    /// <summary>
    /// Whether another stress run is due: until <see cref="StressRuns"/> runs, or with <see cref="StressRunsMustOverlap"/>
    /// until that many overlapped (at least <see cref="StressRuns"/> runs, more only within <see cref="StressBudget"/>).
    /// </summary>
    private bool MoreStressRuns(int runs, int overlapping, TimeSpan elapsed) => StressRunsMustOverlap
        ? overlapping < StressRuns && (runs < StressRuns || elapsed < StressBudget)
        : runs < StressRuns;

    private string OfPlanned() => StressRunsMustOverlap ? "" : $" of {StressRuns}";

    private string Describe(SystematicVerdict verdict)
    {
        var text = new StringBuilder();
        text.AppendLine($"\"{Property}\" is broken.");
        text.AppendLine(verdict.Outcome switch
        {
            SystematicOutcome.InvariantBroken => verdict.Bug,
            SystematicOutcome.Deadlock => ExplainDeadlock?.Invoke() ??
                "Deadlock: every thread was waiting for a lock that another waiting thread held, so none could go on.",
            SystematicOutcome.EndlessLoop =>
                $"A thread ran for {Settings.MaxSteps} steps without finishing: an endless loop (a loop condition that never " +
                "becomes false?), or threads that keep waiting for each other.",
            SystematicOutcome.UnhandledException => $"Your code threw an exception that nobody caught: {verdict.Bug}",
            SystematicOutcome.TimedOut =>
                $"Timed out: {verdict.Bug} Your code did not finish, most likely an endless loop or a deadlock.",
            _ => verdict.Bug,
        });
        if (verdict.Iterations > 0)
        {
            text.AppendLine(
                $"Coyote found this in interleaving {verdict.Iterations} of up to {Settings.Iterations} (strategy {verdict.Strategy}).");
        }

        text.AppendLine(verdict.ReplayHint(TestContext.CurrentContext.Test.Name));
        text.AppendLine($"Code graded: {KataInfo.FolderOf(KataType)}");
        text.Append($"Read next: {ReadNext}");
        return text.ToString();
    }

    private static string ExplainStressGrading(IReadOnlyList<UncontrolledApi> uncontrolled)
    {
        var text = new StringBuilder("Note: your code uses ");
        text.AppendJoin(", ", uncontrolled.Select(api => api.Api));
        text.AppendLine(". That is fine C#, but Coyote (the tool that checks every interleaving) cannot see inside it,");
        text.AppendLine("so this check ran your code many times on real threads instead. Real threads catch most bugs, not all.");
        text.AppendLine("To get the systematic check:");
        foreach (var api in uncontrolled)
        {
            text.AppendLine($"  - instead of {api.Api}: {api.Advice}");
        }

        return text.ToString().TrimEnd();
    }
}
