using Katas.Cli;

namespace Katas.Grading.Tests;

/// <summary>
/// A grader is only as good as the wrong code it catches. These tests run every grader the way students
/// and teachers do and check the verdicts: the reference passes, the stub fails, every known-wrong
/// fixture fails with the message a student needs, every known-right fixture passes.
/// </summary>
[Parallelizable(ParallelScope.Children)]
public sealed class GraderTeethTests
{
    private static IEnumerable<TestCaseData> KataCases() =>
        Repository.Katas.Select(kata => new TestCaseData(kata).SetArgDisplayNames(kata.Name));

    private static IEnumerable<TestCaseData> WrongFixtures() =>
        Repository.Katas.SelectMany(kata => kata.Fixtures("wrong"))
            .Select(fixture => new TestCaseData(fixture).SetArgDisplayNames(fixture.ToString()));

    private static IEnumerable<TestCaseData> RightFixtures() =>
        Repository.Katas.SelectMany(kata => kata.Fixtures("right"))
            .Select(fixture => new TestCaseData(fixture).SetArgDisplayNames(fixture.ToString()));

    private static readonly KataRepository s_teacher = Repository.Layout;
    private static readonly PointsConfig s_points = PointsConfig.Load(s_teacher);

    // One run of the whole solution serves the test case of every kata.
    private static readonly Lazy<GraderRun> s_solutions = new(() => BuildSlots.Run(slot => GraderRun.Start(Repository.Solution, "solutions", slot)));
    private static readonly Lazy<GraderRun> s_exercises = new(() => BuildSlots.Run(slot => GraderRun.Start(Repository.Solution, "exercises", slot)));

    [Test]
    public void Every_kata_has_a_stub_a_solution_and_at_least_three_known_wrong_fixtures()
    {
        Repository.Katas.Should().NotBeEmpty();
        foreach (var kata in Repository.Katas)
        {
            Directory.Exists(Path.Combine(Repository.Exercises, kata.Name)).Should().BeTrue("{0} needs a stub in exercises/", kata);
            Directory.Exists(Path.Combine(Repository.Solutions, kata.Name)).Should().BeTrue("{0} needs a reference solution", kata);
            File.Exists(Path.Combine(Repository.Exercises, kata.Name, "README.md")).Should().BeTrue("{0} needs instructions", kata);
            File.Exists(Path.Combine(Repository.Exercises, kata.Name, "README.ru.md")).Should().BeTrue("{0} needs Russian instructions", kata);
            kata.Fixtures("wrong").Should().HaveCountGreaterThanOrEqualTo(3, "{0} must prove its grader catches mistakes", kata);
        }
    }

    [TestCaseSource(nameof(KataCases))]
    public void Reference_solution_passes(Kata kata)
    {
        var results = s_solutions.Value.Results.Where(r => r.IsFrom(kata)).ToList();
        DecidedBy.Record(kata.Name, "reference", results);

        results.Should().NotBeEmpty("the grader of {0} must have run ({1})", kata, s_solutions.Value.Console);
        s_solutions.Value.Failed.Where(r => r.IsFrom(kata)).Should().BeEmpty("the reference solution of {0} must pass its grader", kata);
        var verdict = Scored(kata, results);
        verdict.Score.Should().Be(verdict.MaxScore, "the reference solution of {0} earns every point: {1}", kata, verdict.Summary);
    }

    [TestCaseSource(nameof(KataCases))]
    public void The_grader_marks_the_checks_the_kata_exists_to_teach_as_core(Kata kata)
    {
        // A kata whose core checks fail earns at most 40% (tools/Katas.Cli/Scoring.cs); with no check marked [Core],
        // code that misses the point of the kata could still earn every other point.
        var results = s_solutions.Value.Results.Where(r => r.IsFrom(kata)).ToList();
        var scoring = Scored(kata, results).Scoring!;
        scoring.Checks.Should().Contain(check => check.Core, "the grader of {0} must mark its core checks with [Core]", kata);
        scoring.Checks.Should().Contain(check => !check.Core, "a kata of only core checks has no partial credit ({0})", kata);
        scoring.Checks.Select(check => check.Name).Should().BeEquivalentTo(results.Select(r => Scoring.CheckOf(r.Name)).Distinct(),
            "the checks read from the grader assembly of {0} are the checks that ran", kata);

        // Students are told which checks are core, under the table of what the grader checks, in both languages.
        var core = scoring.Checks.Where(check => check.Core).Select(check => check.Name);
        foreach (var (readme, marker) in new[] { ("README.md", "**Core checks**"), ("README.ru.md", "**Основные проверки**") })
        {
            ReadmeTable.NamesOnLine(Path.Combine(Repository.Exercises, kata.Name, readme), marker).Should().BeEquivalentTo(core,
                "exercises/{0}/{1} must name the grader's [Core] checks, and only those", kata, readme);
        }
    }

    [TestCaseSource(nameof(KataCases))]
    public void The_README_table_names_every_check_of_the_grader_and_no_other(Kata kata)
    {
        // "What the grader checks" maps each promise of the kata to the check that holds it: a check missing from the
        // table is a promise students are not told about; a name that is no check is a promise nobody holds.
        // A parameterized check counts once, by its method: "Check(3, 6)" is a case of `Check`.
        var checks = s_solutions.Value.Results.Where(r => r.IsFrom(kata)).Select(r => MethodOf(r.Name)).ToHashSet(StringComparer.Ordinal);
        checks.Should().NotBeEmpty("the grader of {0} must have run", kata);

        foreach (var (readme, heading) in new[] { ("README.md", "## What the grader checks"), ("README.ru.md", "## Что провер") })
        {
            var named = ReadmeTable.CheckNames(Path.Combine(Repository.Exercises, kata.Name, readme), heading);
            named.Should().BeEquivalentTo(checks, "the table of exercises/{0}/{1} must name every check of its grader, and only those", kata, readme);
        }
    }

    [TestCaseSource(nameof(KataCases))]
    public void Untouched_stub_fails(Kata kata)
    {
        var results = s_exercises.Value.Results.Where(r => r.IsFrom(kata)).ToList();

        results.Should().NotBeEmpty("the stub of {0} must compile and be graded ({1})", kata, s_exercises.Value.Console);
        results.Should().Contain(r => r.Outcome == "Failed", "the untouched stub of {0} must fail its grader", kata);

        // Graded, it fails a core check, so a stub changed by a comment earns at most 40%; untouched, it is not started
        // and earns nothing, in every output (the batch grader and the Classroom step decide it the same way).
        var graded = Scored(kata, results);
        graded.Scoring!.CoreFailed.Should().BeTrue("the stub of {0} must fail a core check ({1})", kata, graded.Summary);
        var untouched = Scoring.BeforeGrading(s_teacher, kata.Name, new Submission(Repository.Exercises), graded.MaxScore);
        untouched.Should().NotBeNull("the untouched stub of {0} is not graded", kata);
        untouched!.State.Should().Be(KataState.NotStarted);
        untouched.Score.Should().Be(0);
    }

    [TestCaseSource(nameof(WrongFixtures))]
    public void Known_wrong_fixture_fails_with_a_clear_message(Fixture fixture)
    {
        // Only the checks that must fail run: what the others say about wrong code proves nothing, and a kata's
        // speed checks alone can take a minute.
        var run = Grade(fixture, [.. fixture.Expectation.Failing.Keys.Select(MethodOf)]);
        DecidedBy.Record(fixture.Kata.Name, $"{fixture.Kind}/{fixture.Name}", run.Results);

        run.ExitCode.Should().NotBe(0, "{0} is wrong and must fail its grader: {1}", fixture, run);
        run.Failed.Should().NotBeEmpty("{0} must fail at least one check: {1}", fixture, run);

        // Only its failing checks ran: the others are scored as passed, the most this code could earn.
        var most = Scored(fixture.Kata, run.Results, unrunPass: true);
        most.Score.Should().BeLessThan(most.MaxScore, "{0} is wrong and must not earn every point: {1}", fixture, most.Summary);
        if (most.Scoring!.Checks.Any(check => check.Core && fixture.Expectation.Failing.Keys.Select(MethodOf).Contains(check.Name)))
        {
            most.Score.Should().BeLessThanOrEqualTo(Scoring.CoreCap * most.MaxScore,
                "{0} fails a core check and earns at most {1:P0}: {2}", fixture, Scoring.CoreCap, most.Summary);
        }

        foreach (var (test, words) in fixture.Expectation.Failing)
        {
            // A parameterized test named by its method alone: every case of it counts, and one must fail.
            var cases = run.Results.Where(r => r.Name == test || r.Name.StartsWith(test + "(", StringComparison.Ordinal)).ToList();
            cases.Should().NotBeEmpty("the grader test {0} must exist ({1})", test, run);
            cases.Should().Contain(r => r.Outcome == "Failed", "{0} must fail {1}", fixture, test);
            foreach (var failed in cases.Where(r => r.Outcome == "Failed"))
            {
                failed.Message.Should().Contain(words, "{0} must be told what went wrong in {1}", fixture, failed.Name);
            }
        }
    }

    [TestCaseSource(nameof(RightFixtures))]
    public void Known_right_fixture_passes(Fixture fixture)
    {
        var run = Grade(fixture);
        DecidedBy.Record(fixture.Kata.Name, $"{fixture.Kind}/{fixture.Name}", run.Results);

        run.Failed.Should().BeEmpty("{0} is correct and must never be failed: {1}", fixture, run);
        run.ExitCode.Should().Be(0, "{0} must pass: {1}", fixture, run.Console);
        var verdict = Scored(fixture.Kata, run.Results);
        verdict.Score.Should().Be(verdict.MaxScore, "{0} is correct and earns every point: {1}", fixture, verdict.Summary);
        foreach (var (test, words) in fixture.Expectation.Notes)
        {
            run.Results.Single(r => r.Name == test).Output.Should().Contain(words, "{0} must be told how {1} was graded", fixture, test);
        }
    }

    /// <summary>The kata's verdict by the scoring code of the gradebook (tools/Katas.Cli/Scoring.cs), not a copy of it.</summary>
    private static KataVerdict Scored(Kata kata, IReadOnlyList<GraderTestResult> results, bool unrunPass = false) =>
        Scoring.Verdict(kata.Name, s_points.For(kata.Name).Points, results, TimeSpan.Zero, TimeSpan.Zero, unrunPass);

    /// <summary>"Test(case)" names one case of a parameterized test; its method is "Test".</summary>
    private static string MethodOf(string test) => test.Split('(')[0];

    private static GraderRun Grade(Fixture fixture, IReadOnlyCollection<string>? onlyTests = null) => BuildSlots.Run(slot =>
    {
        // One code folder per slot, as one per grading workspace: its path is compiled into the kata's assembly, so the
        // next fixture of the kata here compiles only its own code (tools/Katas.Cli/KataFastBuild.cs).
        var root = Path.Combine(slot, "code");
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        return GraderRun.Start(fixture.Kata.GraderProject, fixture.MaterializeUnder(root), slot, onlyTests);
    });

}
