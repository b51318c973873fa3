using System.Net;
using System.Net.Sockets;
using Katas.Cli;

namespace Katas.Grading.Tests;

/// <summary>
/// The sandbox of `katas grade` (tools/Katas.Cli/Sandbox) against submissions that attack the teacher's machine
/// (Submissions/: a Probe.cs added to kata 04's reference solution, run by a module initializer as soon as a check
/// loads the graded assembly). Each is contained and gets a clear verdict; the other student, the teacher's files and
/// the machine are as they were. The probes that only look (reads, writes, connects) run once more without the
/// sandbox, which shows that what they look for is there to find: the sandbox, not the probe, is why they find nothing.
/// </summary>
[Parallelizable(ParallelScope.None)]
public sealed class SandboxTests
{
    private const string Kata = BadSubmissions.Kata;
    private const string Secret = "KATAS-SANDBOX-SECRET";

    private static readonly string[] s_lookers = ["reads-outside", "writes-outside", "connects-out"];

    private static readonly Lazy<Scene> s_scene = new(() => Scene.Grade(
        ["reference", .. s_lookers, "fork-bomb", "hoards-memory", "kills-its-parent"]));

    private static IEnumerable<TestCaseData> Verdicts() =>
    [
        Case("reference", KataState.Passed, 10, "all 8 checks passed"),
        // Found nothing (else every check would have failed with what it read, wrote to or reached), so it passes.
        Case("reads-outside", KataState.Passed, 10, "all 8 checks passed"),
        Case("writes-outside", KataState.Passed, 10, "all 8 checks passed"),
        Case("connects-out", KataState.Passed, 10, "all 8 checks passed"),
        Case("fork-bomb", KataState.OverLimit, 0, "stopped at the process limit"),
        Case("hoards-memory", KataState.OverLimit, 0, "stopped at the memory limit"),
        Case("kills-its-parent", KataState.Crashed, 0, "crashed: the grader's test process ended"),
    ];

    [TestCaseSource(nameof(Verdicts))]
    public void Every_attack_is_contained_and_gets_a_clear_verdict(string student, KataState state, double score, string words)
    {
        if (state == KataState.OverLimit && !s_scene.Value.LimitsEnforced)
        {
            Assert.Ignore($"{student} needs the sandbox's limits, which need writable control groups (root); it was not run: without them it would take the machine's processes or memory.");
        }

        var kata = s_scene.Value.Sandboxed.Of(student);
        var feedback = Feedback.For(s_scene.Value.Sandboxed.Grade(student));

        kata.State.Should().Be(state, "{0} must be graded {1}; feedback was:\n{2}", student, state, feedback);
        kata.Score.Should().Be(score, "feedback was:\n{0}", feedback);
        kata.Sandboxed.Should().BeTrue("every run of `katas grade` with --sandbox bwrap is sandboxed");
        feedback.Should().Contain(words, "the feedback must tell {0} what happened", student)
            .And.NotContain(Secret, "nothing outside the sandbox may reach a report");
    }

    [Test]
    public void Without_the_sandbox_the_same_probes_find_what_it_hides()
    {
        var scene = s_scene.Value;

        scene.Unsandboxed.Of("reads-outside").Summary.Should().NotContain("all 8 checks passed");
        Feedback.For(scene.Unsandboxed.Grade("reads-outside")).Should().Contain(Secret, "unsandboxed, the probe reads the key in the teacher's home")
            .And.Contain("READ " + Repository.Root, "and the teacher's solutions");
        scene.WrittenWithout.Should().BeTrue("unsandboxed, the probe writes into the teacher's folder");
        Feedback.For(scene.Unsandboxed.Grade("connects-out")).Should().Contain("CONNECTED to 127.0.0.1", "unsandboxed, the probe reaches the teacher's loopback");
    }

    [Test]
    public void Nothing_outside_the_workspace_was_written_or_reached()
    {
        var scene = s_scene.Value;

        scene.WrittenWith.Should().BeFalse("the sandbox's only writable folders are the worker's own");
        scene.ConnectionsWith.Should().Be(0, "the sandbox has a loopback of its own: 127.0.0.1 there is not the teacher's");
        scene.TeacherAfter.Should().Equal(scene.TeacherBefore, "submitted code never changes the teacher's repository");
    }

    [Test]
    public void No_process_of_a_run_outlives_the_batch()
    {
        _ = s_scene.Value;

        // The fork bomb's sleepers (600 s each) and the workers' compiler servers: gone with their PID namespaces.
        var left = Directory.GetDirectories("/proc").Select(Path.GetFileName).Where(name => int.TryParse(name, out _))
            .Select(pid => ReadOrEmpty($"/proc/{pid}/cmdline").Replace('\0', ' '))
            .Where(command => command.StartsWith("/bin/sleep 600", StringComparison.Ordinal) || command.Contains($"-pipename:katas-{Environment.ProcessId}-", StringComparison.Ordinal))
            .ToList();
        left.Should().BeEmpty("every process a sandboxed run started dies with it");
    }

    [Test]
    public void The_gradebook_and_the_summary_say_every_run_was_sandboxed()
    {
        var grades = s_scene.Value.Sandboxed.Grades;
        var json = System.Text.Json.Nodes.JsonNode.Parse(Gradebook.Json(grades, [Kata]))!;

        json["sandboxedRuns"]!.GetValue<int>().Should().Be(json["runs"]!.GetValue<int>()).And.Be(grades.Count);
        json["students"]![0]!["katas"]![Kata]!["sandboxed"]!.GetValue<bool>().Should().BeTrue();
        BatchReports.Summary(grades, [Kata], TimeSpan.FromMinutes(1), "grades").Should().Contain("Every run was sandboxed (bubblewrap).");
        BatchReports.Summary(s_scene.Value.Unsandboxed.Grades, [Kata], TimeSpan.FromMinutes(1), "grades").Should().Contain("Sandboxed: 0 of 3 runs");
    }

    [Test]
    public void Required_but_missing_bubblewrap_is_an_error_that_says_how_to_install_it()
    {
        var missing = () => Sandbox.For(SandboxMode.Bwrap, out _, bwrap: "/no/such/bwrap");
        missing.Should().Throw<UsageException>().WithMessage("*sudo apt install bubblewrap*");

        Sandbox.For(SandboxMode.Auto, out var why, bwrap: "/no/such/bwrap").Should().BeNull("auto grades without it");
        why.Should().Contain("not installed");
        Sandbox.For(SandboxMode.None, out _).Should().BeNull();
    }

    [OneTimeTearDown]
    public void DeleteSubmissions()
    {
        if (s_scene.IsValueCreated)
        {
            s_scene.Value.Dispose();
        }
    }

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static TestCaseData Case(string student, KataState state, double score, string words) =>
        new TestCaseData(student, state, score, words).SetArgDisplayNames(student);

    private sealed record Graded(IReadOnlyList<SubmissionGrade> Grades)
    {
        public SubmissionGrade Grade(string student) => Grades.Single(grade => grade.Student == student);

        public KataVerdict Of(string student) => Grade(student).Katas.Single();
    }

    private sealed record Scene(string Root, Graded Sandboxed, Graded Unsandboxed, bool WrittenWith, bool WrittenWithout, int ConnectionsWith,
        IReadOnlyDictionary<string, string> TeacherBefore, IReadOnlyDictionary<string, string> TeacherAfter, bool LimitsEnforced) : IDisposable
    {
        public static Scene Grade(string[] students)
        {
            // Fails (does not skip) where bubblewrap is missing: .ci/run installs it, and these submissions must never run bare.
            var sandbox = Sandbox.For(SandboxMode.Bwrap, out _)!;
            if (!sandbox.LimitsEnforced)
            {
                students = [.. students.Where(student => student is not ("fork-bomb" or "hoards-memory"))];
            }

            var root = Directory.CreateTempSubdirectory("katas-sandbox-").FullName;
            var home = Directory.CreateDirectory(Path.Combine(root, "teacher-home", ".ssh")).FullName;
            File.WriteAllText(Path.Combine(home, "id_ed25519"), $"-----BEGIN OPENSSH PRIVATE KEY----- {Secret}\n");
            var outside = Directory.CreateDirectory(Path.Combine(root, "teacher-folder")).FullName;
            var written = Path.Combine(outside, "written-by-a-submission.txt");

            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var connections = 0;
            var accepting = new Thread(() =>
            {
                try
                {
                    while (true)
                    {
                        listener.AcceptTcpClient().Dispose();
                        Interlocked.Increment(ref connections);
                    }
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
                {
                    // Stopped.
                }
            })
            { IsBackground = true, Name = "SandboxTests listener" };
            accepting.Start();

            var submissions = Path.Combine(root, "submissions");
            var placeholders = new Dictionary<string, string>
            {
                ["@@HOME@@"] = Path.GetDirectoryName(home)!,
                ["@@TEACHER@@"] = Repository.Root,
                ["@@OTHER@@"] = Path.Combine(submissions, "reference", Kata, "SharedCounter.cs"),
                ["@@OUTSIDE@@"] = outside,
                ["@@PORT@@"] = ((IPEndPoint)listener.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            foreach (var student in students)
            {
                Materialize(student, Path.Combine(submissions, student), placeholders);
            }

            var teacher = Repository.Layout;
            var points = BadSubmissions.TwoMinuteLimits(teacher);
            var before = TeacherFiles.Hashes(teacher.Root);
            List<Submission> Of(IEnumerable<string> names) => BadSubmissions.Under(submissions, names);

            var sandboxed = new Graded(new BatchGrader(teacher, points, Path.Combine(root, "work"), sandbox).Grade(Of(students), [Kata], workers: 2));
            var (writtenWith, connectionsWith) = (File.Exists(written), connections);
            var unsandboxed = new Graded(new BatchGrader(teacher, points, Path.Combine(root, "work-bare")).Grade(Of(s_lookers), [Kata], workers: 2));
            var writtenWithout = File.Exists(written);
            listener.Stop();
            accepting.Join();
            return new Scene(root, sandboxed, unsandboxed, writtenWith, writtenWithout, connectionsWith, before, TeacherFiles.Hashes(teacher.Root), sandbox.LimitsEnforced);
        }

        public void Dispose() => Directory.Delete(Root, recursive: true);

        private static void Materialize(string student, string folder, IReadOnlyDictionary<string, string> placeholders)
        {
            if (student == "reference")
            {
                BadSubmissions.Reference(folder);
                return;
            }

            BadSubmissions.Bad(student, folder);
            var probe = Path.Combine(folder, Kata, "Probe.cs");
            File.WriteAllText(probe, placeholders.Aggregate(File.ReadAllText(probe), (text, pair) => text.Replace(pair.Key, pair.Value, StringComparison.Ordinal)));
        }
    }
}
