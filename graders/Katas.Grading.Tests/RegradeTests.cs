using Katas.Cli;

namespace Katas.Grading.Tests;

/// <summary>
/// A regrade updates the gradebook instead of replacing it: `katas grade --students carol --katas 04` into the --out of
/// the class's run changes carol's 04 and nothing else, and every report is written again from the merged grades.
/// </summary>
[Parallelizable(ParallelScope.None)]
public sealed class RegradeTests
{
    private const string Counter = "04-locked-counter";
    private const string Deadlock = "06-deadlock-fix";

    [Test]
    public void A_regrade_of_one_student_and_kata_replaces_that_cell_and_keeps_the_rest_of_the_class()
    {
        var root = Directory.CreateTempSubdirectory("katas-regrade-").FullName;
        try
        {
            var submissions = Path.Combine(root, "submissions");
            var output = Path.Combine(root, "grades");
            // alice: untouched stubs; bob: the reference of 04; carol: nothing yet.
            Submit(submissions, "alice", Repository.Exercises, Counter, Deadlock);
            Submit(submissions, "bob", Repository.Solutions, Counter);
            Directory.CreateDirectory(Path.Combine(submissions, "carol", "exercises"));
            Katas(["grade", submissions, "--out", output, "--katas", "04,06", "--work", Path.Combine(root, "work"), "--workers", "2"]).Should().Be(0);
            var aliceFeedback = File.ReadAllText(Path.Combine(output, "feedback", "alice.md"));

            // carol hands in 04 late; only her 04 is graded again.
            Submit(submissions, "carol", Repository.Solutions, Counter);
            Katas(["grade", submissions, "--out", output, "--students", "carol", "--katas", "04", "--work", Path.Combine(root, "work")]).Should().Be(0);

            var grades = GradesFile.Read(output);
            grades.Katas.Should().Equal([Counter, Deadlock], "the gradebook keeps the katas graded before");
            grades.Grades.Select(grade => grade.Student).Should().Equal(["alice", "bob", "carol"], "nobody is dropped by a regrade of one student");
            State(grades, "carol", Counter).Should().Be(KataState.Passed, "carol's 04 was graded again");
            State(grades, "carol", Deadlock).Should().Be(KataState.Missing, "carol's 06 was not graded again and keeps its grade");
            State(grades, "bob", Counter).Should().Be(KataState.Passed);
            State(grades, "alice", Counter).Should().Be(KataState.NotStarted);

            var csv = File.ReadAllLines(Path.Combine(output, "gradebook.csv"));
            csv.Should().HaveCount(4, "a header and the three students");
            csv.Single(line => line.StartsWith("carol,", StringComparison.Ordinal)).Should().StartWith("carol,10,0,", "carol's 04 earns every point now");
            File.ReadAllText(Path.Combine(output, "feedback", "alice.md")).Should().Be(aliceFeedback, "alice's feedback is the same");
            File.ReadAllText(Path.Combine(output, "feedback", "carol.md")).Should().Contain(Counter).And.Contain("passed");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Test]
    public void A_student_new_to_the_gradebook_has_the_katas_not_graded_yet_marked_so_and_scored_zero()
    {
        var root = Directory.CreateTempSubdirectory("katas-regrade-").FullName;
        try
        {
            var points = PointsConfig.Load(Repository.Layout);
            var alice = new SubmissionGrade("alice", [KataVerdict.NotStarted(Counter, 10), KataVerdict.NotStarted(Deadlock, 10)], []);
            GradesFile.Write(root, [alice], [Counter, Deadlock]);
            var dave = new SubmissionGrade("dave", [KataVerdict.Without(Counter, KataState.Missing, 10, "no C# files")], []);

            var (grades, katas, kept) = Regrade.Into(root, [dave], [Counter], points);

            katas.Should().Equal([Counter, Deadlock]);
            kept.Should().Be(2, "both of alice's cells stay");
            grades.Select(grade => grade.Student).Should().Equal(["alice", "dave"]);
            var notGraded = grades[1].Katas.Single(kata => kata.Kata == Deadlock);
            notGraded.State.Should().Be(KataState.NotGraded);
            notGraded.Score.Should().Be(0);
            notGraded.Summary.Should().Contain("--students dave --katas 06", "the teacher is told how to grade it");
            BatchReports.Summary(grades, katas, TimeSpan.Zero, root).Should().Contain("? not graded yet");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static KataState State(GradesFile.Contents grades, string student, string kata) =>
        grades.Grades.Single(grade => grade.Student == student).Katas.Single(verdict => verdict.Kata == kata).State;

    private static void Submit(string submissions, string student, string source, params string[] katas)
    {
        foreach (var kata in katas)
        {
            var folder = Path.Combine(submissions, student, "exercises", kata);
            Directory.CreateDirectory(folder);
            foreach (var file in Directory.GetFiles(Path.Combine(source, kata), "*.cs"))
            {
                File.Copy(file, Path.Combine(folder, Path.GetFileName(file)), overwrite: true);
            }
        }
    }

    private static int Katas(string[] args) => KatasCli.Run(args, TextWriter.Null, TestContext.Progress);
}
