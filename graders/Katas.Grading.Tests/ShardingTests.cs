using Katas.Cli;

namespace Katas.Grading.Tests;

/// <summary>
/// `katas grade --shard K/N` on N machines, then `katas merge`, writes the same reports as one machine: a batch of 9
/// submissions of kata 04 (the reference, untouched stubs, empty folders) graded whole and as shards 1/3, 2/3, 3/3.
/// </summary>
[Parallelizable(ParallelScope.None)]
public sealed class ShardingTests
{
    private const string Kata = "04-locked-counter";

    [Test]
    public void Shards_merged_give_the_reports_of_one_run()
    {
        var root = Directory.CreateTempSubdirectory("katas-shards-").FullName;
        try
        {
            var submissions = Path.Combine(root, "submissions");
            string[] students = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan"];
            foreach (var (student, i) in students.Select((student, i) => (student, i)))
            {
                var kata = Path.Combine(submissions, student, "exercises", Kata);
                Directory.CreateDirectory(kata);
                var source = i == 2 ? Repository.Solutions : i % 2 == 0 ? Repository.Exercises : null;
                foreach (var file in source is null ? [] : Directory.GetFiles(Path.Combine(source, Kata), "*.cs"))
                {
                    File.Copy(file, Path.Combine(kata, Path.GetFileName(file)));
                }
            }

            var teacher = Repository.Layout;
            var points = PointsConfig.Load(teacher);
            var everyone = Directory.GetDirectories(submissions).Select(dir => new Submission(dir)).ToList();
            var reported = new System.Collections.Concurrent.ConcurrentBag<CheckProgress>();
            var whole = Grade(teacher, points, Shard.All.Of(everyone, s => s.Student), Path.Combine(root, "whole"), root, reported.Add);
            // The progress bar hears of every check as the test host reports it, with its run.
            reported.Where(check => check.Student == "carol").Select(check => check.Check).Should().BeEquivalentTo(
                GradesFile.Read(whole).Grades.Single(g => g.Student == "carol").Katas.Single().Checks.Select(check => check.Name),
                "every check of carol's run is reported once as it finishes");
            reported.Should().OnlyContain(check => check.Passed || check.Student != "carol");

            var shards = Enumerable.Range(1, 3).Select(k => new Shard(k, 3)).ToList();
            var folders = new List<string>();
            var graded = new List<string>();
            foreach (var shard in shards)
            {
                var mine = shard.Of(everyone, s => s.Student);
                graded.AddRange(mine.Select(s => s.Student));
                folders.Add(Grade(teacher, points, mine, Path.Combine(root, $"shard-{shard.Index}"), root));
            }

            graded.Should().BeEquivalentTo(students, "the shards split the class: each student in exactly one");
            var (grades, katas) = MergeCommand.Merge(folders);
            var merged = Path.Combine(root, "merged");
            BatchReports.Write(merged, grades, katas);

            foreach (var file in new[] { "gradebook.csv", "gradebook.json", ClassReport.FileName }
                         .Concat(students.Select(s => $"feedback/{s}.md"))
                         .Concat(students.Select(s => $"gradescope/{s}/results.json")))
            {
                File.ReadAllText(Path.Combine(merged, file)).Should().Be(File.ReadAllText(Path.Combine(whole, file)),
                    "{0} of the merged shards must be the one run's", file);
            }

            grades.Single(g => g.Student == "carol").Katas.Single().State.Should().Be(KataState.Passed, "carol has the reference");
            grades.Single(g => g.Student == "alice").Katas.Single().State.Should().Be(KataState.NotStarted);
            grades.Single(g => g.Student == "bob").Katas.Single().State.Should().Be(KataState.Missing);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [TestCase("0/3")]
    [TestCase("4/3")]
    [TestCase("1/0")]
    [TestCase("two/3")]
    [TestCase("1")]
    public void A_shard_outside_1_to_N_is_refused(string text) =>
        FluentActions.Invoking(() => Shard.Parse(text)).Should().Throw<UsageException>().WithMessage("--shard takes K/N*");

    [Test]
    public void Two_shards_that_graded_the_same_student_are_not_merged()
    {
        var root = Directory.CreateTempSubdirectory("katas-shards-").FullName;
        try
        {
            var grade = new SubmissionGrade("alice", [KataVerdict.NotStarted(Kata, 10)], []);
            GradesFile.Write(Path.Combine(root, "a"), [grade], [Kata]);
            GradesFile.Write(Path.Combine(root, "b"), [grade], [Kata]);

            FluentActions.Invoking(() => MergeCommand.Merge([Path.Combine(root, "a"), Path.Combine(root, "b")]))
                .Should().Throw<UsageException>().WithMessage("alice was graded by more than one shard*");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static string Grade(KataRepository teacher, PointsConfig points, IReadOnlyList<Submission> submissions, string output, string root,
        Action<CheckProgress>? checkDone = null)
    {
        var grades = new BatchGrader(teacher, points, Path.Combine(root, "work")).Grade(submissions, [Kata], workers: 2, checkDone: checkDone);
        BatchReports.Write(output, grades, [Kata]);
        GradesFile.Write(output, grades, [Kata]);
        return output;
    }
}
