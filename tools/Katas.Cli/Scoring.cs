namespace Katas.Cli;

/// <param name="Name">The check: a grader test method, or a case of one with a name of its own.</param>
/// <param name="Passed">Every case of it passed, or was judged inconclusive (counted as passed, and said so).</param>
/// <param name="Ran">Whether any case of it ran; a check that did not run counts as failed in a grade.</param>
/// <param name="Score">Its part of the kata's score: the kata's <see cref="KataScore.Score"/> is the sum of these.</param>
/// <param name="MaxScore">Its part of the kata's points, by weight.</param>
public sealed record CheckScore(string Name, bool Core, int Weight, bool Ran, bool Passed, double Score, double MaxScore);

/// <param name="Score">Points earned, to 2 decimals.</param>
/// <param name="CoreFailed">A core check failed, so the score was held to <see cref="Scoring.CoreCap"/> of the points.</param>
public sealed record KataScore(double Score, int MaxScore, bool CoreFailed, IReadOnlyList<CheckScore> Checks);

/// <summary>
/// The one scoring rule, used by every output (gradebook, feedback, GitHub Classroom, Gradescope) and by the project's
/// suite that proves it: a kata's points are shared among its grader's checks by weight (Katas.Grading's [Weight],
/// 1 by default, 2 for a [Core] check); a kata with a failing core check earns at most 40% of its points; an untouched
/// stub earns nothing ("not started", decided before any grading: <see cref="StubChecksums"/>).
/// </summary>
public static class Scoring
{
    /// <summary>The most a kata earns while a check of the property it exists to teach fails.</summary>
    public const double CoreCap = 0.4;

    /// <param name="checks">Every check of the kata's grader (<see cref="GraderChecks.Read"/>).</param>
    /// <param name="results">What ran. A check with no result counts as failed, unless <paramref name="unrunPass"/>.</param>
    /// <param name="unrunPass">Score the checks that did not run as passed: the most the code could earn (the suite runs only
    /// the checks a wrong fixture must fail, and bounds its score from above).</param>
    public static KataScore Of(IReadOnlyList<GraderCheck> checks, IReadOnlyList<GraderTestResult> results, int points, bool unrunPass = false)
    {
        // A result no declared check names is a case of a [TestCaseSource] check (named when it ran): a check of its own,
        // with that method's weight when the grader has one such method, else once, not core (so is every result of an
        // assembly that could not be read). A [TestCaseSource] check whose cases ran is replaced by them.
        var declared = checks.Where(check => !check.FromSource || results.Any(result => CheckOf(result.Name) == check.Name))
            .Select(check => check.Name).ToHashSet(StringComparer.Ordinal);
        var sources = checks.Where(check => check.FromSource && !declared.Contains(check.Name)).ToList();
        var undeclared = results.Select(result => CheckOf(result.Name)).Distinct().Where(name => !declared.Contains(name)).ToList();
        var like = sources.Count == 1 ? sources[0] : new GraderCheck("", GraderChecks.DefaultWeight, Core: false);
        checks = [.. checks.Where(check => declared.Contains(check.Name) || undeclared.Count == 0),
                  .. undeclared.Select(name => like with { Name = name, FromSource = false })];

        var judged = checks.Select(check =>
        {
            var cases = results.Where(result => CheckOf(result.Name) == check.Name).ToList();
            var passed = cases.Count == 0 ? unrunPass : cases.All(result => !result.Failed);
            return (Check: check, Ran: cases.Count > 0, Passed: passed);
        }).ToList();

        var total = judged.Sum(check => check.Check.Weight);
        var earned = judged.Where(check => check.Passed).Sum(check => check.Check.Weight);
        var coreFailed = judged.Any(check => check.Check.Core && !check.Passed);
        var fraction = total == 0 ? 0 : (double)earned / total;
        var capped = coreFailed ? Math.Min(fraction, CoreCap) : fraction;
        var score = Math.Round(points * capped, 2);

        // Each passed check's part, scaled down with the kata when capped; the last one takes the rounding, so that the
        // parts add up to the score exactly (GitHub Classroom's reporter adds them up).
        var scale = fraction == 0 ? 0 : capped / fraction;
        var parts = new List<CheckScore>();
        var given = 0.0;
        var lastPassed = judged.FindLastIndex(check => check.Passed);
        for (var i = 0; i < judged.Count; i++)
        {
            var (check, ran, passed) = judged[i];
            var max = total == 0 ? 0 : Math.Round(points * (double)check.Weight / total, 2);
            var part = !passed ? 0 : i == lastPassed ? Math.Round(score - given, 2) : Math.Round(points * (double)check.Weight / total * scale, 2);
            given += part;
            parts.Add(new CheckScore(check.Name, check.Core, check.Weight, ran, passed, part, max));
        }

        return new KataScore(score, points, coreFailed, parts);
    }

    /// <summary>
    /// The verdict of a kata that is not graded at all: no C# files (missing) or exactly the stub's (not started), both 0
    /// points; null when its grader must run.
    /// </summary>
    public static KataVerdict? BeforeGrading(KataRepository teacher, string kata, Submission submission, int points) =>
        submission.SourcesOf(kata).Count == 0 ? KataVerdict.Without(kata, KataState.Missing, points, $"no C# files in exercises/{kata}/")
        : StubChecksums.IsUntouched(teacher, kata, submission) ? KataVerdict.NotStarted(kata, points)
        : null;

    /// <summary>
    /// The verdict of a grader that ran to its end: its checks (and their weights, read from the grader assembly that ran
    /// them) scored by <see cref="Of"/>.
    /// </summary>
    public static KataVerdict Verdict(string kata, int points, IReadOnlyList<GraderTestResult> results, TimeSpan buildTime, TimeSpan testTime,
        bool unrunPass = false)
    {
        var assembly = results.Select(result => result.Assembly).FirstOrDefault(File.Exists);
        var score = Of(assembly is null ? [] : GraderChecks.Read(assembly), results, points, unrunPass);
        var failed = results.Count(result => result.Failed);
        var notJudged = results.Count(result => result.NotJudged);
        var judgedNote = notJudged == 0 ? "" : $" ({notJudged} not judged on this machine, counted as passed)";
        var summary = failed == 0
            ? $"all {results.Count} checks passed{judgedNote}"
            : $"{failed} of {results.Count} checks failed{judgedNote}{(score.CoreFailed ? "; " + CapNote(score) : "")}";
        return new KataVerdict(kata, failed == 0 ? KataState.Passed : KataState.Failed, score.Score, points, summary, results, "", buildTime, testTime)
        {
            Scoring = score,
        };
    }

    /// <summary>How a check judged inconclusive is told: it counted as passed, and why it was not judged.</summary>
    public const string NotJudgedNote = "Not judged on this machine (counted as passed): ";

    /// <summary>
    /// What a student reads under one check of a kata in a per-check report (Gradescope, GitHub Classroom): the failure,
    /// or why it was not judged, or that it did not run; after what the core cap did to the kata, when this check set it.
    /// </summary>
    public static string Explain(KataVerdict verdict, KataScore score, CheckScore part)
    {
        var cases = verdict.Checks.Where(check => CheckOf(check.Name) == part.Name).ToList();
        var message = cases.FirstOrDefault(check => check.Failed)?.Message
                      ?? (cases.FirstOrDefault(check => check.NotJudged) is { } notJudged ? NotJudgedNote + notJudged.Message
                          : part.Ran || part.Passed ? "" : "did not run");
        return part.Core && !part.Passed ? $"In {verdict.Kata}, {CapNote(score)}.\n\n{message}" : message;
    }

    /// <summary>"Check(3, 6)", one case of a parameterized check, belongs to the check "Check".</summary>
    public static string CheckOf(string resultName) => resultName.Split('(')[0];

    /// <summary>One line for the student on how the points were counted when a core check failed.</summary>
    public static string CapNote(KataScore score)
    {
        var failed = score.Checks.Where(check => check.Core && !check.Passed).Select(check => check.Name).ToList();
        return failed.Count == 0 ? ""
            : $"{(failed.Count == 1 ? "the core check" : "the core checks")} {string.Join(" and ", failed)} failed (what the kata " +
              $"exists to teach): at most {CoreCap * 100:0}% of the points until {(failed.Count == 1 ? "it passes" : "they pass")}";
    }
}
