using Katas.Cli;

namespace Katas.Grading.Tests;

/// <summary>What the command line shows students and exports for teachers, checked without running any grader.</summary>
public sealed class StudentCommandsTests
{
    private static readonly KataRepository s_repository = Repository.Layout;

    [Test]
    public void Every_kata_has_the_same_hints_in_English_and_Russian()
    {
        foreach (var kata in s_repository.Katas)
        {
            var english = KataHints.Of(s_repository, kata, russian: false);
            english.Should().HaveCountGreaterThanOrEqualTo(2, "{0}'s README.md needs hints", kata);
            KataHints.Of(s_repository, kata, russian: true).Should().HaveCount(english.Count, "{0}'s README.ru.md needs the same hints", kata);
            english.Should().NotContain(hint => hint.Contains("<details>") || hint.Length < 40, "a hint is the text of one <details> block");
        }
    }

    [TestCase("04", "04-locked-counter")]
    [TestCase("locked-counter", "04-locked-counter")]
    [TestCase("13-model-quality", "13-model-quality")]
    public void A_kata_can_be_named_by_number_or_name(string name, string kata) =>
        s_repository.Resolve(name).Should().Be(kata);

    [Test]
    public void A_solution_in_the_teachers_working_copy_is_never_recorded_or_exported_as_the_stub()
    {
        // The leak: a teacher solves kata 04 in their own exercises/, then runs `katas generate` (which recorded that
        // solution as the stub) and `katas template` (which shipped it to every student).
        var repo = Directory.CreateTempSubdirectory("katas-stub-guard-").FullName;
        try
        {
            const string Kata = "04-locked-counter";
            Scripts.Write(repo, "Katas.sln", "");
            Scripts.Write(repo, $"graders/{Kata}/Grader.cs", "// the grader\n");
            foreach (var (from, to) in new[] { (Repository.Exercises, "exercises"), (Repository.Solutions, "solutions") })
            {
                foreach (var file in Directory.GetFiles(Path.Combine(from, Kata), "*.cs"))
                {
                    Scripts.Write(repo, $"{to}/{Kata}/{Path.GetFileName(file)}", File.ReadAllText(file));
                }
            }

            Scripts.CommitAll(repo, "katas");
            var teacher = new KataRepository(repo);
            StubGuard.Problems(teacher).Should().BeEmpty("committed stubs, with given code equal to the solution's (LockedCounterProgram.cs), are fine");

            File.Copy(Path.Combine(repo, "solutions", Kata, "SharedCounter.cs"), Path.Combine(repo, "exercises", Kata, "SharedCounter.cs"), overwrite: true);
            StubGuard.Problems(teacher).Should().ContainSingle().Which.Should()
                .Contain($"exercises/{Kata}/SharedCounter.cs is the reference solution's file");
            foreach (var command in new[] { "generate", "template" })
            {
                FluentActions.Invoking(() => StubGuard.Require(teacher, command)).Should().Throw<UsageException>()
                    .WithMessage($"`katas {command}` would take your own work for the stubs*exercises/{Kata}/SharedCounter.cs*");
            }

            // Started but not solved: still not the stub; committed, it is the new stub.
            File.WriteAllText(Path.Combine(repo, "exercises", Kata, "SharedCounter.cs"), "// half done\n");
            StubGuard.Problems(teacher).Should().ContainSingle().Which.Should().Contain("differs from its committed version");
            Scripts.Git(repo, "commit", "-q", "-a", "-m", "a new stub");
            StubGuard.Problems(teacher).Should().BeEmpty();
        }
        finally
        {
            Directory.Delete(repo, recursive: true);
        }
    }

    [Test]
    public void Untouched_stubs_are_recognised_and_a_changed_one_is_not()
    {
        s_repository.Katas.Should().OnlyContain(kata => StubChecksums.IsUntouched(s_repository, kata), "exercises/ holds the stubs");

        var copy = Directory.CreateTempSubdirectory("katas-status-").FullName;
        try
        {
            foreach (var path in new[] { "Katas.sln", StubChecksums.RelativePath })
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(copy, path))!);
                File.Copy(Path.Combine(Repository.Root, path), Path.Combine(copy, path));
            }

            var kata = Path.Combine(copy, "exercises", "04-locked-counter");
            Directory.CreateDirectory(kata);
            foreach (var file in Directory.GetFiles(Path.Combine(Repository.Exercises, "04-locked-counter")))
            {
                File.Copy(file, Path.Combine(kata, Path.GetFileName(file)));
            }

            var student = new KataRepository(copy);
            StubChecksums.IsUntouched(student, "04-locked-counter").Should().BeTrue();
            File.AppendAllText(Path.Combine(kata, "SharedCounter.cs"), "// started\n");
            StubChecksums.IsUntouched(student, "04-locked-counter").Should().BeFalse("a changed file means the student has started");
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Test]
    public void The_template_leaves_out_solutions_fixtures_and_this_suite_and_keeps_what_students_need()
    {
        var files = TemplateCommand.FilesOf(s_repository);

        files.Should().NotContain(path => path.StartsWith("solutions/") || path.Contains("/Fixtures/") || path.StartsWith("graders/Katas.Grading.Tests/"),
            "known-right fixtures and reference solutions would give the answers away");
        files.Should().Contain([ClassroomFiles.WorkflowPath, StubChecksums.RelativePath, PointsConfig.RelativePath,
            "tools/Katas.Cli/Katas.Cli.csproj", "Katas.sln", "global.json", ".config/dotnet-tools.json"]);
        foreach (var kata in s_repository.Katas)
        {
            files.Should().Contain([$"exercises/{kata}/README.md", $"exercises/{kata}/README.ru.md", s_repository.GraderProject(kata)]);
        }
    }

    [Test]
    public void Compiler_errors_name_the_students_file_and_the_graders_own()
    {
        const string Output = """
            /tmp/w/worker-1-code/04-locked-counter/SharedCounter.cs(40,21): error CS1002: ; expected [/tmp/w/worker-1/graders/04-locked-counter/Kata/LockedCounter.csproj]
            /tmp/w/worker-1-code/04-locked-counter/SharedCounter.cs(40,21): error CS1002: ; expected [/tmp/w/worker-1/graders/04-locked-counter/Kata/LockedCounter.csproj]
            /tmp/w/worker-1/graders/04-locked-counter/LockedCounterGrader.cs(17,40): error CS1061: 'SharedCounter' does not contain a definition for 'FirstOperation' [/tmp/w/worker-1/graders/04-locked-counter/LockedCounter.Grader.csproj]
            Build FAILED.
            """;

        var errors = CompilerErrors.From(Output, "/tmp/w/worker-1-code", "/tmp/w/worker-1");

        errors.Should().Equal(
            "exercises/04-locked-counter/SharedCounter.cs(40,21): error CS1002: ; expected",
            "graders/04-locked-counter/LockedCounterGrader.cs(17,40): error CS1061: 'SharedCounter' does not contain a definition for 'FirstOperation'");
        errors.Count(CompilerErrors.InGrader).Should().Be(1);
    }

    [Test]
    public void Captured_output_keeps_its_beginning_and_its_end()
    {
        var text = new CappedText(1000);
        text.AppendLine("first line");
        for (var i = 0; i < 100_000; i++)
        {
            text.AppendLine(new string('x', 100));
        }

        text.AppendLine("last line");
        var kept = text.ToString();

        kept.Length.Should().BeLessThan(1200);
        kept.Should().StartWith("first line").And.Contain("characters of output left out").And.EndWith("last line\n");
    }
}
