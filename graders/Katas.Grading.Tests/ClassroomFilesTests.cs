using Katas.Cli;

namespace Katas.Grading.Tests;

/// <summary>The GitHub Classroom files match graders/points.json, and the restore step really puts the teacher's files back.</summary>
public sealed class ClassroomFilesTests
{
    private static readonly KataRepository s_repository = Repository.Layout;

    [Test]
    public void Generated_files_are_in_sync_with_points_json_and_the_stubs()
    {
        GenerateCommand.OutOfDate(s_repository).Should().BeEmpty(
            "the Classroom files and stub checksums are generated: run `dotnet run --project tools/Katas.Cli -- generate` and commit them");
    }

    [Test]
    public void Points_json_gives_every_kata_points_and_a_time_limit()
    {
        var points = PointsConfig.Load(s_repository);

        points.Katas.Keys.Should().BeEquivalentTo(s_repository.Katas);
        points.ProblemsWith([.. s_repository.Katas, "99-not-yet"]).Should().ContainSingle().Which.Should().Contain("99-not-yet");
    }

    [Test]
    public void The_workflow_restores_then_builds_once_then_grades_each_kata_and_the_reporter_reads_them_all()
    {
        var points = PointsConfig.Load(s_repository);
        var workflow = ClassroomFiles.Workflow(s_repository, points);

        // global.json is read by setup-dotnet: the teacher's must be back before it runs.
        workflow.IndexOf("name: Restore the teacher's graders", StringComparison.Ordinal).Should()
            .BeLessThan(workflow.IndexOf("uses: actions/setup-dotnet", StringComparison.Ordinal));
        workflow.IndexOf("uses: actions/setup-dotnet", StringComparison.Ordinal).Should()
            .BeLessThan(workflow.IndexOf("name: Build the graders", StringComparison.Ordinal));
        foreach (var command in ClassroomFiles.BuildCommands())
        {
            workflow.Should().Contain("        " + command + "\n");
        }

        foreach (var kata in s_repository.Katas)
        {
            var id = ClassroomFiles.StepId(kata);
            workflow.Should().Contain($"      id: {id}\n      timeout-minutes: {points.For(kata).TimeoutMinutes + ClassroomFiles.StepMargin}\n" +
                                      $"      run: {ClassroomFiles.StepCommand(kata)}\n")
                .And.Contain($"        {id.ToUpperInvariant()}_RESULTS: \"${{{{steps.{id}.outputs.result}}}}\"\n");
            ClassroomFiles.StepCommand(kata).Should().Contain("--no-build", "the graders are built once, in the build step");
        }

        workflow.Should().Contain("concurrency:\n  group: autograding-${{ github.ref }}\n  cancel-in-progress: true\n");
        workflow.Should().Contain("- name: Autograding Reporter\n      if: always()\n");
        workflow.Should().Contain($"        runners: {string.Join(',', s_repository.Katas.Select(ClassroomFiles.StepId))}\n");
        workflow.Should().NotContain("autograding-command-grader", "a command grader scores a kata all or nothing");
        workflow.Should().NotContain("\t", "YAML forbids tabs");
    }

    [Test]
    public void A_student_who_deleted_exercises_gets_missing_katas_not_a_failed_job()
    {
        var root = Directory.CreateTempSubdirectory("katas-classroom-").FullName;
        try
        {
            var repo = TemplateRepository(root);
            Scripts.Git(repo, "rm", "-q", "-r", "exercises");
            Scripts.Git(repo, "commit", "-q", "-m", "deleted it all");

            var code = RestoreTeacherFiles(repo, root);

            File.ReadAllText(Path.Combine(repo, "graders/04-locked-counter/LockedCounterGrader.cs")).Should().Be("// the teacher's checks\n");
            var verdict = Scoring.BeforeGrading(s_repository, "04-locked-counter", new Submission(code), 10);
            verdict.Should().NotBeNull();
            verdict!.State.Should().Be(KataState.Missing, "a kata with no code scores 0 as missing");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Test]
    public void A_template_that_cannot_be_fetched_stops_with_the_reason()
    {
        var points = PointsConfig.Load(s_repository) with { TemplateRepository = "teacher/private-template" };
        var script = string.Join('\n', ClassroomFiles.RestoreTeacherFiles(points));

        script.Should().Contain("if ! git fetch -q --depth 1 https://github.com/teacher/private-template.git HEAD; then")
            .And.Contain("::error::Could not fetch the template repository teacher/private-template")
            .And.Contain("make the template public");
        script.Should().NotContain("git checkout -q -f \"\"");
    }

    [Test]
    public void The_restore_step_keeps_only_the_students_cs_files_and_puts_back_the_teachers_graders()
    {
        var root = Directory.CreateTempSubdirectory("katas-classroom-").FullName;
        try
        {
            var repo = TemplateRepository(root);

            // The student's pushes: their solution, a grader that passes anything, a build file that runs what they like.
            Scripts.Write(repo, "exercises/04-locked-counter/SharedCounter.cs", "// the student's solution\n");
            Scripts.Write(repo, "exercises/04-locked-counter/Helper.cs", "// more of it\n");
            Scripts.Write(repo, "graders/04-locked-counter/LockedCounterGrader.cs", "// every check removed\n");
            Scripts.Write(repo, "Directory.Build.rsp", "-p:Anything=1\n");
            Scripts.Git(repo, "add", ".");
            Scripts.Git(repo, "commit", "-q", "-m", "solution");

            var code = RestoreTeacherFiles(repo, root);

            File.ReadAllText(Path.Combine(repo, "graders/04-locked-counter/LockedCounterGrader.cs")).Should().Be("// the teacher's checks\n");
            File.Exists(Path.Combine(repo, "Directory.Build.rsp")).Should().BeFalse("a file the student added outside exercises/ must go");
            File.ReadAllText(Path.Combine(code, "04-locked-counter/SharedCounter.cs")).Should().Be("// the student's solution\n");
            File.ReadAllText(Path.Combine(code, "04-locked-counter/Helper.cs")).Should().Be("// more of it\n");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Test]
    public void An_exported_template_builds_and_grades_on_its_own()
    {
        var template = Directory.CreateTempSubdirectory("katas-template-").FullName;
        try
        {
            TemplateCommand.Export(s_repository, template);
            var student = new KataRepository(template);
            foreach (var file in Directory.GetFiles(Path.Combine(Repository.Solutions, "04-locked-counter")))
            {
                File.Copy(file, Path.Combine(student.Exercises, "04-locked-counter", Path.GetFileName(file)), overwrite: true);
            }

            var verdict = new KataRunner(student, PointsConfig.Load(student))
                .Run("04-locked-counter", student.Exercises, Path.Combine(template, "artifacts", "results"), restore: true);

            verdict.State.Should().Be(KataState.Passed, "the template needs nothing it leaves out: {0}\n{1}", verdict.Summary, verdict.Details);
        }
        finally
        {
            Directory.Delete(template, recursive: true);
        }
    }

    [Test]
    public void The_template_README_is_a_students_README_whose_links_all_resolve_in_the_template()
    {
        var files = TemplateCommand.FilesOf(s_repository).ToHashSet(StringComparer.Ordinal);
        var readme = System.Text.Encoding.UTF8.GetString(TemplateCommand.Contents(s_repository, "README.md"));

        readme.Should().Contain("## Students").And.Contain("## How grading works").And.Contain("exercises/04-locked-counter/README.md",
            "a student's README keeps the commands, the kata table and how grading works");
        readme.Should().NotContainAny(["## Teachers", "katas grade", "Katas.Grading.Tests", "solutions/", "bench/", ".ci/run", "CONTRIBUTING", "teachers only"],
            "the template's README says nothing of what the template leaves out or of how to get around its grading");
        foreach (var markdown in files.Where(path => path.EndsWith(".md", StringComparison.Ordinal)))
        {
            var text = System.Text.Encoding.UTF8.GetString(TemplateCommand.Contents(s_repository, markdown));
            foreach (System.Text.RegularExpressions.Match link in System.Text.RegularExpressions.Regex.Matches(text, @"\]\((?<target>[^)#\s]+)[^)]*\)"))
            {
                var target = link.Groups["target"].Value;
                if (target.Contains("://", StringComparison.Ordinal))
                {
                    continue;
                }

                var path = Path.GetRelativePath(s_repository.Root, Path.GetFullPath(Path.Combine(s_repository.Root, Path.GetDirectoryName(markdown)!, target))).Replace('\\', '/');
                (files.Contains(path) || files.Any(file => file.StartsWith(path.TrimEnd('/') + "/", StringComparison.Ordinal)))
                    .Should().BeTrue("{0} links to {1}, which the student template must have", markdown, target);
            }

            text.Should().NotContainAny(["bench/", "solutions/", "Fixtures/"], "{0} is in the template, which has no bench/, solutions/ or fixtures", markdown);
        }
    }

    [Test]
    public void A_teachers_only_part_of_the_README_must_end()
    {
        TemplateCommand.StudentReadme($"a\n{TemplateCommand.TeachersOnly}\nteacher\n{TemplateCommand.TeachersOnlyEnd}\n\n\nb\n").Should().Be("a\n\nb\n");
        FluentActions.Invoking(() => TemplateCommand.StudentReadme($"a\n{TemplateCommand.TeachersOnly}\nteacher\n"))
            .Should().Throw<InvalidOperationException>().WithMessage("*does not end*");
    }

    /// <summary>A student's repository as GitHub Classroom makes it: one commit of the template (a grader and a stub).</summary>
    private static string TemplateRepository(string root)
    {
        var repo = Directory.CreateDirectory(Path.Combine(root, "repo")).FullName;
        Scripts.Write(repo, "graders/04-locked-counter/LockedCounterGrader.cs", "// the teacher's checks\n");
        Scripts.Write(repo, "exercises/04-locked-counter/SharedCounter.cs", "// the stub\n");
        Scripts.CommitAll(repo, "template");
        return repo;
    }

    /// <summary>Runs the workflow's restore step in <paramref name="repo"/> as GitHub does (bash -e); returns where the student's code went.</summary>
    private static string RestoreTeacherFiles(string repo, string root)
    {
        var code = Path.Combine(root, "student-code");
        var script = "set -eo pipefail\n" + string.Join('\n', ClassroomFiles.RestoreTeacherFiles(PointsConfig.Load(s_repository)));
        Scripts.Run(repo, "bash", ["-c", script], ("KATAS_STUDENT_CODE", code));
        return code;
    }
}
