using Katas.Cli;

namespace Katas.Grading.Tests;

/// <summary>The scoring rule itself (tools/Katas.Cli/Scoring.cs), on made-up results; GraderTeethTests applies it to every kata.</summary>
public sealed class ScoringTests
{
    private static readonly GraderCheck[] s_checks =
    [
        new("Plain_a", 1, Core: false), new("Plain_b", 1, Core: false), new("Heavy", 3, Core: false),
        new("Race", GraderChecks.DefaultCoreWeight, Core: true),
    ];

    [Test]
    public void Points_are_shared_by_weight()
    {
        var score = Scoring.Of(s_checks, [Passed("Plain_a"), Passed("Plain_b"), Failed("Heavy"), Passed("Race")], points: 10);

        score.Score.Should().Be(5.71, "4 of 7 weight units passed");
        score.CoreFailed.Should().BeFalse();
        score.Checks.Sum(check => check.Score).Should().BeApproximately(score.Score, 0.0001, "the parts add up to the score");
    }

    [Test]
    public void A_failing_core_check_holds_the_kata_to_40_percent()
    {
        var score = Scoring.Of(s_checks, [Passed("Plain_a"), Passed("Plain_b"), Passed("Heavy"), Failed("Race")], points: 10);

        score.Score.Should().Be(4, "5 of 7 units would be 7.14, but the core check failed");
        score.CoreFailed.Should().BeTrue();
        score.Checks.Sum(check => check.Score).Should().BeApproximately(4, 0.0001, "the passed checks' parts shrink with the kata");
        Scoring.CapNote(score).Should().Contain("the core check Race failed").And.Contain("at most 40%");
    }

    [Test]
    public void Below_the_cap_the_weights_decide()
    {
        var score = Scoring.Of(s_checks, [Passed("Plain_a"), Failed("Plain_b"), Failed("Heavy"), Failed("Race")], points: 10);

        score.Score.Should().Be(1.43);
    }

    [Test]
    public void An_inconclusive_check_counts_as_passed_only_with_its_reason()
    {
        var judged = Scoring.Of(s_checks, [Passed("Plain_a"), Passed("Plain_b"), NotExecuted("Heavy", "Speed not graded: too busy"), Passed("Race")], 10);
        var ignored = Scoring.Of(s_checks, [Passed("Plain_a"), Passed("Plain_b"), NotExecuted("Heavy", ""), Passed("Race")], 10);

        judged.Score.Should().Be(10);
        ignored.Score.Should().Be(5.71, "a check that did not run and says nothing was not judged at all");
    }

    [Test]
    public void A_check_that_did_not_run_fails_unless_the_most_the_code_could_earn_is_asked()
    {
        Scoring.Of(s_checks, [Passed("Plain_a"), Passed("Plain_b"), Passed("Race")], 10).Score.Should().Be(5.71);
        Scoring.Of(s_checks, [Failed("Plain_a")], 10, unrunPass: true).Score.Should().Be(8.57);
    }

    [Test]
    public void Cases_of_a_check_count_once_and_all_must_pass()
    {
        var score = Scoring.Of(s_checks, [Passed("Plain_a(1)"), Failed("Plain_a(2)"), Passed("Plain_b"), Passed("Heavy"), Passed("Race")], 10);

        score.Checks.Single(check => check.Name == "Plain_a").Passed.Should().BeFalse();
        score.Score.Should().Be(8.57);
    }

    [Test]
    public void Cases_named_when_the_grader_runs_are_checks_of_their_own_with_their_methods_weight()
    {
        GraderCheck[] checks = [new("Plain_a", 1, Core: false), new("Bad_files", 2, Core: false, FromSource: true)];

        var score = Scoring.Of(checks, [Passed("Plain_a"), Passed("A_missing_file_stops_it"), Failed("An_empty_file_stops_it")], 10);

        score.Checks.Select(check => (check.Name, check.Weight)).Should().BeEquivalentTo(
            [("Plain_a", 1), ("A_missing_file_stops_it", 2), ("An_empty_file_stops_it", 2)]);
        score.Score.Should().Be(6);
    }

    [Test]
    public void A_grader_assembly_that_cannot_be_read_still_counts_every_result_once()
    {
        var score = Scoring.Of([], [Passed("One"), Failed("Two")], 10);

        score.Score.Should().Be(5);
    }

    private static GraderTestResult Passed(string name) => new(name, "Passed", "", "", "");

    private static GraderTestResult Failed(string name) => new(name, "Failed", "broken", "", "");

    private static GraderTestResult NotExecuted(string name, string message) => new(name, "NotExecuted", message, "", "");
}
