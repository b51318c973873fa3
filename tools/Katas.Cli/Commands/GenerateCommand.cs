using System.CommandLine;

namespace Katas.Cli;

/// <summary>`katas generate [--check]`: the files derived from graders/points.json and the stubs.</summary>
public static class GenerateCommand
{
    public static IReadOnlyDictionary<string, string> Expected(KataRepository repository)
    {
        var files = new Dictionary<string, string>(ClassroomFiles.All(repository, PointsConfig.Load(repository)))
        {
            [StubChecksums.RelativePath] = StubChecksums.Of(repository),
        };

        // The class workflow is the teacher's alone: an exported student template has neither it nor solutions/.
        if (repository.IsTeachers)
        {
            files[GradeClassWorkflow.Path] = GradeClassWorkflow.Workflow(PointsConfig.Load(repository));
        }

        return files;
    }

    /// <summary>Generated files whose committed content differs from what would be generated now.</summary>
    public static IReadOnlyList<string> OutOfDate(KataRepository repository) =>
        [.. Expected(repository).Where(pair =>
        {
            var path = Path.Combine(repository.Root, pair.Key);
            return !File.Exists(path) || File.ReadAllText(path) != pair.Value;
        }).Select(pair => pair.Key)];

    public static Command Create()
    {
        var check = new Option<bool>("--check") { Description = "only say whether they are up to date (exit code 1 when not)" };
        var command = new Command("generate", "writes the GitHub Classroom workflow, the class workflow and the stub checksums from graders/points.json") { check };
        command.SetAction(parse => Run(parse.GetValue(check)));
        return command;
    }

    private static int Run(bool checkOnly)
    {
        var repository = KataRepository.OfThisProgram();
        if (checkOnly)
        {
            var stale = OutOfDate(repository);
            foreach (var path in stale)
            {
                Console.Error.WriteLine($"{path} is out of date: run `dotnet run --project tools/Katas.Cli -- generate` and commit it.");
            }

            return stale.Count == 0 ? 0 : 1;
        }

        StubGuard.Require(repository, "generate");
        foreach (var (path, text) in Expected(repository))
        {
            var full = Path.Combine(repository.Root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
            Console.WriteLine($"wrote {path}");
        }

        return 0;
    }
}
