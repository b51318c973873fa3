using Katas.Cli;

namespace Katas.Grading.Tests;

/// <summary>
/// The teacher's batch grader on submissions that try to break it (Submissions/: patches on kata 04's reference
/// solution): each gets a clear verdict, the batch finishes, the teacher's files stay as they were, and the grades
/// do not depend on the number of workers.
/// </summary>
[Parallelizable(ParallelScope.None)]
public sealed class BatchGradingTests
{
    private const string Kata = BadSubmissions.Kata;

    private static readonly Lazy<Batch> s_batch = new(() => Batch.Grade(workers: 2,
        "reference", "clone-with-stub", "empty", "syntax-error", "deadlock", "spins-forever", "calls-environment-exit",
        "deletes-files-outside", "changes-the-build", "prints-50-megabytes"));

    private static IEnumerable<TestCaseData> Verdicts() =>
    [
        Case("reference", KataState.Passed, 10, "all 8 checks passed"),
        // The untouched stub is not started: 0 points, not graded (its edited grader is ignored either way).
        Case("clone-with-stub", KataState.NotStarted, 0, "not started"),
        Case("empty", KataState.Missing, 0, "no C# files in exercises/04-locked-counter/"),
        Case("syntax-error", KataState.DoesNotCompile, 0, "exercises/04-locked-counter/SharedCounter.cs("),
        // 4 of 8 checks fail, the two core ones among them: held to 40% (it would be 4.0 by weight alone too: 4 of 10).
        Case("deadlock", KataState.Failed, 4, "the core checks Operations_on_two_threads_never_race and X_read_while_the_operations_run_shows_a_value_of_x failed"),
        Case("spins-forever", KataState.TimedOut, 0, "timed out: A_fresh_counter_starts_at_zero_with_the_lesson_targets did not finish"),
        Case("calls-environment-exit", KataState.Crashed, 0, "before its checks did (Environment.Exit?"),
        Case("deletes-files-outside", KataState.Tampered, 0, "graders/points.json"),
        // What the grader's build left is hashed before the checks run the code: the fast path would reuse it.
        Case("changes-the-build", KataState.Tampered, 0, "graders/04-locked-counter/Kata/obj/Debug/net10.0/kata-compile.rsp"),
        Case("prints-50-megabytes", KataState.Passed, 10, "all 8 checks passed"),
    ];

    [TestCaseSource(nameof(Verdicts))]
    public void Every_submission_gets_a_clear_verdict(string student, KataState state, double score, string words)
    {
        var grade = s_batch.Value.Of(student);
        var kata = grade.Katas.Single();
        var feedback = Feedback.For(grade);

        kata.State.Should().Be(state, "{0} must be graded {1}; feedback was:\n{2}", student, state, feedback);
        kata.Score.Should().Be(score, "feedback was:\n{0}", feedback);
        feedback.Should().Contain(words, "the feedback must tell {0} what happened", student);
    }

    [Test]
    public void Nothing_of_the_teacher_is_lost_and_every_workspace_is_put_back()
    {
        _ = s_batch.Value;

        TeacherFiles.Hashes(Repository.Root).Should().Equal(s_batch.Value.TeacherBefore, "submitted code runs in workspaces, never in the teacher's repository");
        foreach (var workspace in Directory.GetDirectories(s_batch.Value.WorkRoot, "worker-?"))
        {
            TeacherFiles.Hashes(workspace).Should().Equal(s_batch.Value.TeacherBefore, "a workspace a submission damaged is repaired before the next run");
            Directory.EnumerateFiles(Path.Combine(workspace, "graders"), "*.rsp", SearchOption.AllDirectories)
                .Where(file => File.ReadAllText(file).Contains("CHANGED_BY_A_SUBMISSION", StringComparison.Ordinal))
                .Should().BeEmpty("build outputs a submission changed are deleted and built again");
        }
    }

    [Test]
    public void A_submission_that_prints_megabytes_gets_reports_of_kilobytes()
    {
        var reports = s_batch.Value.WriteReports();

        foreach (var file in Directory.GetFiles(reports, "*", SearchOption.AllDirectories))
        {
            new FileInfo(file).Length.Should().BeLessThan(256 * 1024, "{0} must stay small whatever a submission printed", file);
        }
    }

    [Test]
    public void JUnit_reports_have_no_byte_order_mark_a_time_on_every_testcase_and_a_type_on_every_failure()
    {
        var reports = s_batch.Value.WriteReports();

        foreach (var file in Directory.GetFiles(Path.Combine(reports, "junit"), "*.xml", SearchOption.AllDirectories))
        {
            File.ReadAllBytes(file).Take(3).Should().NotEqual(new byte[] { 0xEF, 0xBB, 0xBF }, "{0} must have no byte-order mark", file);
            var report = System.Xml.Linq.XDocument.Load(file);
            report.Descendants("testcase").Should().NotBeEmpty().And.OnlyContain(testcase => testcase.Attribute("time") != null, "{0}: every testcase has a time", file);
            report.Descendants().Where(element => element.Name == "failure" || element.Name == "error")
                .Where(failure => failure.Attribute("type") == null).Should().BeEmpty("{0}: every failure has a type", file);
            report.Descendants("skipped").Should().BeEmpty("an Inconclusive check is a passed testcase with a note ({0})", file);
        }
    }

    [Test]
    public void A_clone_that_edits_the_graders_is_graded_with_the_teachers_and_told_so()
    {
        var grade = s_batch.Value.Of("clone-with-stub");

        grade.IgnoredTeacherFiles.Should().Equal("graders/04-locked-counter/LockedCounterGrader.cs");
        Feedback.For(grade).Should().Contain("They were ignored");
    }

    [Test]
    public void Grades_are_the_same_with_one_worker()
    {
        string[] students = ["reference", "clone-with-stub", "syntax-error", "deadlock"];
        var again = Batch.Grade(workers: 1, students);

        foreach (var student in students)
        {
            var (first, second) = (s_batch.Value.Of(student).Katas.Single(), again.Of(student).Katas.Single());
            (second.State, second.Score, second.Summary).Should().Be((first.State, first.Score, first.Summary), "{0} must get the same grade however many workers grade", student);
            second.Checks.Select(Deterministic).Should().Equal(first.Checks.Select(Deterministic),
                "the checks' verdicts must be the same, and so must the messages of Coyote's checks (seeds, interleavings)");
        }
    }

    // A check on real threads may word the same failure with other numbers (the value a race left behind).
    private static (string Name, string Outcome, string Message) Deterministic(GraderTestResult check) =>
        (check.Name, check.Outcome, Feedback.SeedOf(check) is null ? "" : check.Message);

    [OneTimeTearDown]
    public void DeleteSubmissions()
    {
        if (s_batch.IsValueCreated)
        {
            Directory.Delete(s_batch.Value.Root, recursive: true);
        }
    }

    private static TestCaseData Case(string student, KataState state, double score, string words) =>
        new TestCaseData(student, state, score, words).SetArgDisplayNames(student);

    private sealed record Batch(string Root, string WorkRoot, IReadOnlyDictionary<string, string> TeacherBefore, IReadOnlyList<SubmissionGrade> Grades)
    {
        public SubmissionGrade Of(string student) => Grades.Single(grade => grade.Student == student);

        public string WriteReports()
        {
            var folder = Path.Combine(Root, "reports");
            BatchReports.Write(folder, Grades, [Kata]);
            return folder;
        }

        public static Batch Grade(int workers, params string[] students)
        {
            var root = Directory.CreateTempSubdirectory("katas-batch-").FullName;
            var submissions = Path.Combine(root, "submissions");
            foreach (var student in students)
            {
                Materialize(student, Path.Combine(submissions, student));
            }

            var teacher = Repository.Layout;
            var points = BadSubmissions.TwoMinuteLimits(teacher);
            var before = TeacherFiles.Hashes(teacher.Root);
            var work = Path.Combine(root, "work");
            // In the sandbox when there is one, as `katas grade` grades by default (.ci/run installs it).
            var grades = new BatchGrader(teacher, points, work, Sandbox.For(SandboxMode.Auto, out _))
                .Grade(BadSubmissions.Under(submissions, students), [Kata], workers);
            return new Batch(root, work, before, grades);
        }

        private static void Materialize(string student, string folder)
        {
            Directory.CreateDirectory(folder);
            switch (student)
            {
                case "empty":
                    return;
                case "reference":
                    BadSubmissions.Reference(folder);
                    return;
                case "clone-with-stub":
                    // A whole clone whose own grader was "fixed" to pass anything: it must be ignored.
                    BadSubmissions.CopyFolder(Path.Combine(Repository.Exercises, Kata), Path.Combine(folder, "exercises", Kata));
                    var grader = Path.Combine(folder, "graders", Kata, "LockedCounterGrader.cs");
                    Directory.CreateDirectory(Path.GetDirectoryName(grader)!);
                    File.WriteAllText(grader, "namespace Katas.Graders.LockedCounter;\n// Every check removed.\n");
                    return;
                default:
                    BadSubmissions.Bad(student, folder);
                    return;
            }
        }
    }
}
