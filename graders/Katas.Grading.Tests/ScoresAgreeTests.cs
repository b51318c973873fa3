using System.Text;
using System.Text.Json.Nodes;
using Katas.Cli;

namespace Katas.Grading.Tests;

/// <summary>
/// One submission, one score, wherever it is graded: `katas grade` (its gradebook and its Gradescope results), the
/// GitHub Classroom step (`katas classroom-step`, its result decoded as the reporter decodes it) and Gradescope's
/// run_autograder (from the package `katas gradescope` writes, with a temporary folder for /autograder) agree, for the
/// untouched stub, the reference and two wrong fixtures of katas 04 and 06. Every command runs as a process of an
/// exported student template, as a teacher, GitHub and Gradescope would run it.
/// </summary>
[Parallelizable(ParallelScope.None)]
public sealed class ScoresAgreeTests
{
    // Wrong fixtures whose failures Coyote decides (the same verdict on every run), so that two gradings can be compared.
    private static readonly (string Kata, string Name)[] s_graded =
    [
        ("04-locked-counter", "stub"), ("04-locked-counter", "reference"),
        ("04-locked-counter", "wrong/lock-on-fresh-object"), ("04-locked-counter", "wrong/lock-around-increment-only"),
        ("06-deadlock-fix", "stub"), ("06-deadlock-fix", "reference"),
        ("06-deadlock-fix", "wrong/order-by-owner"), ("06-deadlock-fix", "wrong/audit-without-locks"),
    ];

    private static readonly Lazy<Graded> s_run = new(Graded.Run);

    private static IEnumerable<TestCaseData> Submissions() =>
        s_graded.Select(graded => new TestCaseData(graded.Kata, graded.Name).SetArgDisplayNames($"{graded.Kata[..2]}-{graded.Name.Replace('/', '-')}"));

    [TestCaseSource(nameof(Submissions))]
    public void The_batch_grader_Gradescope_and_the_Classroom_step_give_the_same_score(string kata, string name)
    {
        var graded = s_run.Value;
        var student = Student(kata, name);

        var book = graded.Gradebook["students"]!.AsArray().Single(row => (string)row!["student"]! == student)!;
        var batch = (double)book["katas"]![kata]!["score"]!;
        var state = (string)book["katas"]![kata]!["state"]!;
        var gradescope = JsonNode.Parse(File.ReadAllText(Path.Combine(graded.Out, "gradescope", student, "results.json")))!;
        var classroom = graded.Classroom[student];
        var autograder = graded.Autograder[student];

        if (name == "stub")
        {
            state.Should().Be("not started");
            batch.Should().Be(0);
        }
        else if (name == "reference")
        {
            batch.Should().Be(10, "the reference earns every point ({0})", state);
        }
        else
        {
            batch.Should().BeLessThanOrEqualTo(Scoring.CoreCap * 10, "{0} fails a core check ({1})", name, state);
        }

        ((double)gradescope["score"]!).Should().Be(batch, "Gradescope's score is the gradebook's");
        ((double)autograder["score"]!).Should().Be(batch, "run_autograder on Gradescope scores {0} as `katas grade` does", student);
        foreach (var field in new[] { "score", "execution_time", "output", "output_format", "visibility", "tests" })
        {
            autograder[field].Should().NotBeNull("Gradescope's results.json has {0}", field);
        }

        autograder["tests"]!.AsArray().Should().OnlyContain(test =>
            test!["name"] != null && test["score"] != null && test["max_score"] != null && test["status"] != null && test["visibility"] != null);
        gradescope["tests"]!.AsArray().Sum(test => (double)test!["score"]!).Should().BeApproximately(batch, 0.001,
            "Gradescope's tests add up to the kata's score");

        // As the reporter reads it: points are the sum of tests[].score, out of max_score.
        var tests = classroom["tests"]!.AsArray();
        tests.Should().NotBeEmpty("a runner without tests is NaN points in the reporter");
        Math.Round(tests.Sum(test => (double)test!["score"]!), 2).Should().Be(batch, "the Classroom step scores {0} as `katas grade` does", student);
        ((int)classroom["max_score"]!).Should().Be(10);
        ((string)classroom["status"]!).Should().Be(batch == 10 ? "pass" : "fail");
    }

    [OneTimeTearDown]
    public void DeleteTheTemplate()
    {
        if (s_run.IsValueCreated)
        {
            Directory.Delete(s_run.Value.Root, recursive: true);
        }
    }

    private static string Student(string kata, string name) => $"{kata[..2]}-{name.Replace('/', '-')}";

    [Test]
    public void The_Gradescope_package_has_its_two_scripts_at_the_root_executable_and_no_solutions()
    {
        using var zip = System.IO.Compression.ZipFile.OpenRead(s_run.Value.Package);

        foreach (var script in new[] { "setup.sh", "run_autograder" })
        {
            var entry = zip.GetEntry(script);
            entry.Should().NotBeNull("Gradescope runs {0} from the package's root", script);
            ((entry!.ExternalAttributes >> 16) & 0b001_001_001).Should().Be(0b001_001_001, "{0} must be executable", script);
        }

        zip.Entries.Should().NotContain(entry => entry.FullName.StartsWith("solutions/") || entry.FullName.Contains("/Fixtures/"),
            "the package reaches Gradescope's servers, not the students, but it needs no answers");
        zip.GetEntry("global.json").Should().NotBeNull();
    }

    private sealed record Graded(string Root, string Out, string Package, JsonNode Gradebook, IReadOnlyDictionary<string, JsonNode> Classroom,
        IReadOnlyDictionary<string, JsonNode> Autograder)
    {
        public static Graded Run()
        {
            var root = Directory.CreateTempSubdirectory("katas-scores-").FullName;
            var template = Path.Combine(root, "template");
            TemplateCommand.Export(Repository.Layout, template);
            Dotnet(template, ["build", "tools/Katas.Cli", "-nologo", "-v:q"]);

            var submissions = Path.Combine(root, "submissions");
            foreach (var (kata, name) in s_graded)
            {
                var exercises = Path.Combine(submissions, Student(kata, name), "exercises");
                Directory.CreateDirectory(exercises);
                var source = name switch
                {
                    "stub" => Path.Combine(Repository.Exercises, kata),
                    "reference" => Path.Combine(Repository.Solutions, kata),
                    _ => null,
                };
                if (source is null)
                {
                    var parts = name.Split('/');
                    var fixture = Repository.Katas.Single(k => k.Name == kata).Fixtures(parts[0]).Single(f => f.Name == parts[1]);
                    fixture.MaterializeUnder(exercises);
                }
                else
                {
                    Directory.CreateDirectory(Path.Combine(exercises, kata));
                    foreach (var file in Directory.GetFiles(source, "*.cs"))
                    {
                        File.Copy(file, Path.Combine(exercises, kata, Path.GetFileName(file)));
                    }
                }
            }

            // `katas grade`, as a teacher runs it.
            var output = Path.Combine(root, "grades");
            Dotnet(template, [ClassroomFiles.Cli, "grade", submissions, "--katas", "04,06", "--out", output, "--work", Path.Combine(root, "work"), "--workers", "2"]);
            var gradebook = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "gradebook.json")))!;

            // The Classroom step, as the workflow runs it (building its grader itself: each submission is other code).
            var classroom = new Dictionary<string, JsonNode>();
            foreach (var (kata, name) in s_graded)
            {
                var student = Student(kata, name);
                var githubOutput = Path.Combine(root, $"github-output-{student}");
                Dotnet(template, [ClassroomFiles.Cli, "classroom-step", kata, "--code", Path.Combine(submissions, student, "exercises")],
                    ("GITHUB_OUTPUT", githubOutput));
                var line = File.ReadAllLines(githubOutput).Single(l => l.StartsWith("result=", StringComparison.Ordinal));
                classroom[student] = JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(line["result=".Length..])))!;
            }

            // Gradescope: the package unpacked where /autograder/source would be, its CLI built (setup.sh's last steps; the
            // rest installs the SDK), then run_autograder once per submission, on the one kata the submission holds.
            var package = Path.Combine(root, "autograder.zip");
            Dotnet(template, [ClassroomFiles.Cli, "gradescope", package]);
            var autograderRoot = Path.Combine(root, "autograder");
            System.IO.Compression.ZipFile.ExtractToDirectory(package, Path.Combine(autograderRoot, "source"));
            Dotnet(Path.Combine(autograderRoot, "source"), ["build", "tools/Katas.Cli", "-nologo", "-v:q"]);
            var autograder = new Dictionary<string, JsonNode>();
            foreach (var (kata, name) in s_graded)
            {
                var student = Student(kata, name);
                var submission = Path.Combine(autograderRoot, "submission");
                if (Directory.Exists(submission))
                {
                    Directory.Delete(submission, recursive: true);
                }

                CopyTree(Path.Combine(submissions, student), submission);
                Run(autograderRoot, "bash", [Path.Combine(autograderRoot, "source", "run_autograder")],
                    (GradescopeCommand.RootVariable, autograderRoot), ("KATAS_ONLY", kata));
                autograder[student] = JsonNode.Parse(File.ReadAllText(Path.Combine(autograderRoot, "results", "results.json")))!;
            }

            return new Graded(root, output, package, gradebook, classroom, autograder);
        }

        private static void CopyTree(string from, string to)
        {
            foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(to, Path.GetRelativePath(from, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }

        private static void Dotnet(string folder, IReadOnlyList<string> arguments, params (string Name, string Value)[] environment) =>
            Run(folder, "dotnet", arguments, environment);

        private static void Run(string folder, string program, IReadOnlyList<string> arguments, params (string Name, string Value)[] environment)
        {
            var run = DotnetCommand.Run(program, arguments, folder, TimeSpan.FromMinutes(15), environment.ToDictionary(pair => pair.Name, pair => pair.Value));
            run.TimedOut.Should().BeFalse("{0} {1} must finish:\n{2}", program, string.Join(' ', arguments), run.Output);
            run.ExitCode.Should().Be(0, "{0} {1} must succeed:\n{2}", program, string.Join(' ', arguments), run.Output);
        }
    }
}
