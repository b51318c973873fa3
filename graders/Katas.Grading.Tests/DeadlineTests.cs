using Katas.Cli;

namespace Katas.Grading.Tests;

/// <summary>
/// `katas grade --deadline`: a clone is graded as of its last commit at or before the deadline, taken out with git
/// archive (the student's checkout is never changed), and every report says which commit and whether a later one came.
/// A real history: the stub two days before the deadline, the reference solution one day before, a broken change a day
/// after, and an uncommitted edit on top.
/// </summary>
[Parallelizable(ParallelScope.None)]
public sealed class DeadlineTests
{
    private const string Kata = "04-locked-counter";
    private static readonly DateTimeOffset s_deadline = new(2026, 12, 1, 23, 59, 0, TimeSpan.FromHours(3));

    [Test]
    public void The_last_commit_before_the_deadline_is_graded_and_the_checkout_is_left_as_it_was()
    {
        var root = Directory.CreateTempSubdirectory("katas-deadline-").FullName;
        try
        {
            var (clone, inTime, late) = History(root);
            var scratch = Path.Combine(root, "scratch");
            var before = Snapshot(clone);

            var (graded, source) = Provenance.Resolve(new Submission(clone), s_deadline, scratch);

            source.Should().NotBeNull();
            source!.Commit.Should().Be(inTime, "the last commit at or before the deadline is graded");
            source.Late.Should().BeTrue("a commit came after the deadline");
            source.Committed.Should().Be(s_deadline.AddDays(-1));
            graded.Student.Should().Be("erin", "the copy keeps the student's name");
            graded.Folder.Should().StartWith(scratch, "the commit is graded from a copy");
            foreach (var file in Directory.GetFiles(Path.Combine(Repository.Solutions, Kata)))
            {
                File.ReadAllText(Path.Combine(graded.Folder, "exercises", Kata, Path.GetFileName(file))).Should().Be(File.ReadAllText(file),
                    "the copy holds the commit's files, not the later ones or the uncommitted edit");
            }

            Snapshot(clone).Should().Equal(before, "the student's checkout (HEAD, working tree, uncommitted edit) is untouched");
            Git(clone, "rev-parse", "HEAD").Should().Be(late);

            var (asIs, head) = Provenance.Resolve(new Submission(clone), deadline: null, scratch);
            asIs.Folder.Should().Be(clone, "without a deadline the clone is graded as it is");
            head!.Commit.Should().Be(late);
            head.Late.Should().BeFalse();

            var (nothing, none) = Provenance.Resolve(new Submission(clone), s_deadline.AddDays(-10), scratch);
            none!.Commit.Should().BeNull("nothing was committed ten days before the deadline");
            nothing.SourcesOf(Kata).Should().BeEmpty();
            none.Describe().Should().Contain("nothing was graded");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Test]
    public void Grade_with_a_deadline_records_the_commit_and_the_late_flag_in_every_report()
    {
        var root = Directory.CreateTempSubdirectory("katas-deadline-").FullName;
        try
        {
            var (clone, inTime, _) = History(root);
            var output = Path.Combine(root, "grades");
            KatasCli.Run(["grade", Path.GetDirectoryName(clone)!, "--katas", "04", "--deadline", s_deadline.ToString("O"), "--out", output,
                "--work", Path.Combine(root, "work")], TextWriter.Null, TestContext.Progress).Should().Be(0);

            var csv = File.ReadAllLines(Path.Combine(output, "gradebook.csv"));
            csv[0].Should().Be($"student,{Kata},total,max,flags,commit,committed,late");
            csv[1].Should().Be($"erin,10,10,10,late,{inTime},{s_deadline.AddDays(-1):yyyy-MM-ddTHH:mm:sszzz},late",
                "the reference solution committed in time earns every point; the broken commit after the deadline is not graded");
            File.ReadAllText(Path.Combine(output, "feedback", "erin.md")).Should().Contain($"Graded: commit {inTime[..10]}").And.Contain("later commits were not graded");
            File.ReadAllText(Path.Combine(output, "gradebook.json")).Should().Contain($"\"commit\": \"{inTime}\"").And.Contain("\"late\": true");
            File.ReadAllText(Path.Combine(output, ClassReport.FileName)).Should().Contain("<td>late</td>");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>erin's clone: stub (deadline - 2 days), reference (- 1 day), broken (+ 1 day), then an uncommitted edit.</summary>
    private static (string Clone, string InTime, string Late) History(string root)
    {
        var clone = Directory.CreateDirectory(Path.Combine(root, "submissions", "erin")).FullName;
        var kata = Directory.CreateDirectory(Path.Combine(clone, "exercises", Kata)).FullName;
        Git(clone, "init", "-q", "-b", "main");
        Commit(clone, Repository.Exercises, s_deadline.AddDays(-2), "stub");
        var inTime = Commit(clone, Repository.Solutions, s_deadline.AddDays(-1), "solved");
        var broken = Directory.GetFiles(kata, "*.cs").Order(StringComparer.Ordinal).First();
        File.AppendAllText(broken, "\n// a late change\n");
        File.WriteAllText(Path.Combine(kata, "Late.cs"), "namespace Late { public static class Oops { public static int X => throw new System.Exception(); } }\n");
        var late = Commit(clone, source: null, s_deadline.AddDays(1), "late");
        File.AppendAllText(broken, "// not even committed\n");
        return (clone, inTime, late);
    }

    private static string Commit(string clone, string? source, DateTimeOffset when, string message)
    {
        foreach (var file in source is null ? [] : Directory.GetFiles(Path.Combine(source, Kata), "*.cs"))
        {
            File.Copy(file, Path.Combine(clone, "exercises", Kata, Path.GetFileName(file)), overwrite: true);
        }

        var date = when.ToString("O");
        Scripts.Run(clone, "git", ["add", "."]);
        Scripts.Run(clone, "git", ["-c", "user.name=Erin", "-c", "user.email=erin@example.org", "commit", "-q", "-m", message],
            ("GIT_AUTHOR_DATE", date), ("GIT_COMMITTER_DATE", date));
        return Git(clone, "rev-parse", "HEAD");
    }

    private static string Git(string clone, params string[] arguments) => Scripts.Run(clone, "git", arguments).Output.Trim();

    /// <summary>HEAD, the status and every file's content: what the student would see of their checkout.</summary>
    private static IReadOnlyList<string> Snapshot(string clone) =>
        [Git(clone, "rev-parse", "HEAD"), Git(clone, "status", "--porcelain"),
         .. Directory.GetFiles(Path.Combine(clone, "exercises"), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
             .Select(file => file + "\n" + File.ReadAllText(file))];
}
