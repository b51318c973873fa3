using Katas.Cli;
using YamlDotNet.RepresentationModel;

namespace Katas.Grading.Tests;

/// <summary>
/// .github/workflows/grade-class.yml, the teacher's class grading on GitHub Actions: it parses as YAML, its matrix runs
/// the CLI's shard and merge commands exactly, and its scripts, replayed here on local repositories, clone a class and
/// grade it shard by shard into one gradebook.
/// </summary>
public sealed class GradeClassWorkflowTests
{
    private static readonly KataRepository s_repository = Repository.Layout;
    private static readonly PointsConfig s_points = PointsConfig.Load(s_repository);

    [Test]
    public void The_workflow_grades_one_shard_per_matrix_job_and_merges_them_in_a_last_job()
    {
        var jobs = Map(Yaml(), "jobs");
        var grade = Map(jobs, "grade");
        var shards = Enumerable.Range(1, s_points.ClassShards).Select(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Sequence(Map(Map(grade, "strategy"), "matrix"), "shard").Should().Equal(shards, "one matrix job per shard of graders/points.json");
        Text(Map(grade, "strategy"), "fail-fast").Should().Be("false", "one shard's failure must not cancel the others");

        var steps = Steps(grade);
        steps.Select(step => Text(step, "run")).Should().ContainInOrder(
            "dotnet build tools/Katas.Cli -c Release -nologo -v:q -clp:NoSummary",
            GradeClassWorkflow.GradeCommand("${{ matrix.shard }}", s_points.ClassShards));
        GradeClassWorkflow.GradeCommand("${{ matrix.shard }}", s_points.ClassShards).Should()
            .StartWith($"dotnet {GradeClassWorkflow.Cli} grade submissions --shard ${{{{ matrix.shard }}}}/{s_points.ClassShards} --out grades-${{{{ matrix.shard }}}} ");
        var upload = steps.Single(step => Text(step, "uses") == "actions/upload-artifact@v4");
        Text(Map(upload, "with"), "name").Should().Be("grades-shard-${{ matrix.shard }}");
        Text(Map(upload, "with"), "path").Should().Be("grades-${{ matrix.shard }}");

        var merge = Map(jobs, "merge");
        Text(merge, "needs").Should().Be("grade", "the merge waits for every shard");
        var download = Steps(merge).Single(step => Text(step, "uses") == "actions/download-artifact@v4");
        Text(Map(download, "with"), "pattern").Should().Be("grades-shard-*");
        Text(Map(download, "with"), "path").Should().Be("shards");
        Steps(merge).Select(step => Text(step, "run")).Should().Contain(run => run.Contains(GradeClassWorkflow.MergeCommand + "\n", StringComparison.Ordinal));
        Text(Map(Steps(merge).Last(), "with"), "name").Should().Be("grades");
    }

    [Test]
    public void The_class_list_and_the_workflow_stay_out_of_the_student_template()
    {
        var files = TemplateCommand.FilesOf(s_repository);
        files.Should().NotContain(GradeClassWorkflow.Path).And.NotContain(GradeClassWorkflow.DefaultRepositories);
        files.Should().Contain(ClassroomFiles.WorkflowPath, "the students' own workflow is the template's");
        File.Exists(Path.Combine(Repository.Root, GradeClassWorkflow.DefaultRepositories)).Should().BeTrue("the workflow's default list exists, with how to fill it");

        // Without them the template's generated files are still up to date (`katas gradescope` and `template` check it).
        var template = Directory.CreateTempSubdirectory("katas-template-").FullName;
        try
        {
            TemplateCommand.Export(s_repository, template);
            GenerateCommand.OutOfDate(new KataRepository(template)).Should().BeEmpty("a template expects no class workflow");
            GenerateCommand.OutOfDate(s_repository).Should().BeEmpty("the teacher's repository has the class workflow, generated");
        }
        finally
        {
            Directory.Delete(template, recursive: true);
        }
    }

    [Test]
    public void Its_scripts_clone_the_listed_repositories_and_grade_them_shard_by_shard_into_one_gradebook()
    {
        var root = Directory.CreateTempSubdirectory("katas-class-").FullName;
        try
        {
            // A "GitHub" of local repositories: two students who have not started kata 04, one without exercises/.
            var github = Path.Combine(root, "github");
            foreach (var student in new[] { "alice", "bob", "carol" })
            {
                // Named as GitHub serves them: <owner>/<name>.git.
                var repo = Path.Combine(github, "course", $"katas-{student}.git");
                Directory.CreateDirectory(repo);
                foreach (var file in student == "carol" ? [] : Directory.GetFiles(Path.Combine(Repository.Exercises, "04-locked-counter"), "*.cs"))
                {
                    Scripts.Write(repo, $"exercises/04-locked-counter/{Path.GetFileName(file)}", File.ReadAllText(file));
                }

                Scripts.Write(repo, "README.md", student);
                Scripts.CommitAll(repo, "work");
            }

            var checkout = Path.Combine(root, "checkout");
            Scripts.Write(checkout, "class/repositories.txt",
                "# the class\ncourse/katas-alice\n\n  course/katas-bob   # a comment\ncourse/katas-carol\ncourse/katas-dave\n");
            (string, string)[] environment =
            [
                ("KATAS_REPOSITORIES", "class/repositories.txt"), ("KATAS_KATAS", "04"), ("KATAS_GIT_BASE", "file://" + github),
                ("RUNNER_TEMP", Path.Combine(root, "runner-temp")),
            ];

            var clone = Scripts.Run(checkout, "bash", ["-e", "-c", string.Join('\n', GradeClassWorkflow.CloneCommands())], environment);
            Directory.GetDirectories(Path.Combine(checkout, "submissions")).Select(Path.GetFileName).Should()
                .BeEquivalentTo(["katas-alice", "katas-bob", "katas-carol", "katas-dave"], "every listed repository is a student, even one that cannot be cloned");
            clone.Output.Should().Contain("::warning::Could not clone course/katas-dave").And.NotContain("katas-alice").And.NotContain("katas-bob");

            // Each matrix job's grade step, with the CLI this suite built (the workflow builds the same project in Release).
            var cli = Path.Combine(Repository.Root, "tools", "Katas.Cli", "bin", "Debug", "net10.0", "katas.dll");
            var prefix = $"dotnet {GradeClassWorkflow.Cli} ";
            Directory.CreateDirectory(Path.Combine(checkout, "shards"));
            for (var shard = 1; shard <= s_points.ClassShards; shard++)
            {
                var command = GradeClassWorkflow.GradeCommand(shard.ToString(System.Globalization.CultureInfo.InvariantCulture), s_points.ClassShards);
                command.Should().StartWith(prefix);
                Scripts.Run(checkout, "bash", ["-e", "-c", $"dotnet \"{cli}\" {command[prefix.Length..]}"], environment);
                // What download-artifact gives the merge job: one folder per shard's artifact under shards/.
                Directory.Move(Path.Combine(checkout, $"grades-{shard}"), Path.Combine(checkout, "shards", $"grades-shard-{shard}"));
            }

            GradeClassWorkflow.MergeCommand.Should().StartWith(prefix);
            Scripts.Run(checkout, "bash", ["-e", "-c", $"dotnet \"{cli}\" {GradeClassWorkflow.MergeCommand[prefix.Length..]}"], environment);

            var gradebook = File.ReadAllLines(Path.Combine(checkout, "grades", "gradebook.csv"));
            gradebook[0].Should().Contain("04-locked-counter").And.NotContain("06-deadlock-fix", "KATAS_KATAS=04 grades kata 04 only");
            gradebook.Skip(1).Select(line => line.Split(',')[0]).Should().Equal("katas-alice", "katas-bob", "katas-carol", "katas-dave");
            var grades = GradesFile.Read(Path.Combine(checkout, "grades"));
            grades.Grades.Select(grade => grade.Katas.Single().State).Should().Equal([
                KataState.NotStarted, KataState.NotStarted, KataState.Missing, KataState.Missing],
                "alice and bob have the stub, carol no exercises/, dave no repository: {0}",
                string.Join("; ", grades.Grades.Select(grade => $"{grade.Student}: {grade.Katas.Single().Summary}")));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static YamlMappingNode Yaml()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Path.Combine(Repository.Root, GradeClassWorkflow.Path))));
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    private static YamlMappingNode Map(YamlMappingNode node, string key) => (YamlMappingNode)node.Children[new YamlScalarNode(key)];

    private static string Text(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlScalarNode)value).Value ?? "" : "";

    private static List<string> Sequence(YamlMappingNode node, string key) =>
        [.. ((YamlSequenceNode)node.Children[new YamlScalarNode(key)]).Children.Select(item => ((YamlScalarNode)item).Value ?? "")];

    private static List<YamlMappingNode> Steps(YamlMappingNode job) =>
        [.. ((YamlSequenceNode)job.Children[new YamlScalarNode("steps")]).Children.Cast<YamlMappingNode>()];
}
