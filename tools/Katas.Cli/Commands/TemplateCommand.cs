using System.CommandLine;
using System.Text.RegularExpressions;

namespace Katas.Cli;

/// <summary>
/// `katas template &lt;folder&gt;`: the student template repository for a GitHub Classroom assignment: the stubs,
/// graders, build files, data library, this tool and the Classroom workflow; not the reference solutions, not the
/// graders' fixtures (known-right fixtures are solutions too), not this project's own suite, benchmarks or CI.
/// </summary>
public static partial class TemplateCommand
{
    // The teacher's class list and class-grading workflow are the teacher's alone; CONTRIBUTING.md is for kata authors
    // (it is about fixtures and the suite, which the template leaves out).
    [GeneratedRegex(@"^(solutions/|bench/|\.ci/|class/|\.github/workflows/grade-class\.yml$|graders/Katas\.Grading\.Tests/|graders/[^/]+/Fixtures/|CONTRIBUTING\.md$)")]
    private static partial Regex LeftOut();

    /// <summary>
    /// The README's teacher-only parts (the suite's command, the Teachers section, the repository layout) are between
    /// these lines; the student template's README is the rest (<see cref="StudentReadme"/>).
    /// </summary>
    public const string TeachersOnly = "<!-- teachers only: `katas template` leaves this out of the student template's README -->";

    public const string TeachersOnlyEnd = "<!-- /teachers only -->";

    /// <summary>The README a student gets: the teacher's, without its teacher-only parts.</summary>
    public static string StudentReadme(string readme)
    {
        var kept = new List<string>();
        var inside = false;
        foreach (var line in readme.ReplaceLineEndings("\n").Split('\n'))
        {
            if (line.Trim() == TeachersOnly)
            {
                inside = inside ? throw new InvalidOperationException("README.md: a teachers-only part starts inside another") : true;
            }
            else if (line.Trim() == TeachersOnlyEnd)
            {
                inside = inside ? false : throw new InvalidOperationException("README.md: a teachers-only part ends that did not start");
            }
            else if (!inside && !(line.Length == 0 && kept.Count > 0 && kept[^1].Length == 0))
            {
                kept.Add(line);
            }
        }

        return inside ? throw new InvalidOperationException("README.md: a teachers-only part does not end") : string.Join('\n', kept).TrimEnd() + "\n";
    }

    /// <summary>A file of the template as it is exported: the README for students, every other file as it is.</summary>
    public static byte[] Contents(KataRepository repository, string path) => path == "README.md"
        ? System.Text.Encoding.UTF8.GetBytes(StudentReadme(File.ReadAllText(Path.Combine(repository.Root, path))))
        : File.ReadAllBytes(Path.Combine(repository.Root, path));

    public static IReadOnlyList<string> FilesOf(KataRepository repository) =>
        [.. TrackedFiles(repository.Root).Where(path => !LeftOut().IsMatch(path)).Order(StringComparer.Ordinal)];

    public static Command Create()
    {
        var folder = new Argument<string>("folder") { Description = "the folder to export the template to (empty or new)" };
        var force = new Option<bool>("--force") { Description = "write into a folder that is not empty" };
        var command = new Command("template", "exports the student template repository (everything but solutions/, the graders' fixtures and the teacher's files) for a GitHub Classroom assignment")
        {
            folder, force,
        };
        command.SetAction(parse => Run(Path.GetFullPath(parse.GetRequiredValue(folder)), parse.GetValue(force)));
        return command;
    }

    private static int Run(string target, bool force)
    {
        var repository = KataRepository.OfThisProgram();
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any() && !force)
        {
            throw new UsageException($"{target} is not empty (--force writes into it anyway).");
        }

        StubGuard.Require(repository, "template");
        var stale = GenerateCommand.OutOfDate(repository);
        if (stale.Count > 0)
        {
            throw new UsageException($"Out of date: {string.Join(", ", stale)}. Run `katas generate` first, so the template grades with the current points.");
        }

        var count = Export(repository, target);
        Console.WriteLine($"""
            Exported {count} files to {target} (no solutions/, no fixtures).
            Next: cd {target} && git init -b main && git add . && git commit -m "Parallel Katas" && push it to GitHub,
            mark it as a template repository, and use it as the starter code of a GitHub Classroom assignment.
            Its .github/workflows/classroom.yml grades every push with the graders of that first commit.
            """);
        return 0;
    }

    /// <summary>Copies the template's files to <paramref name="target"/>; returns how many.</summary>
    public static int Export(KataRepository repository, string target)
    {
        var files = FilesOf(repository);
        foreach (var path in files)
        {
            var destination = Path.Combine(target, path);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.WriteAllBytes(destination, Contents(repository, path));
        }

        return files.Count;
    }

    /// <summary>The files git tracks (a clean export), or every file outside build outputs when there is no git.</summary>
    private static IEnumerable<string> TrackedFiles(string root)
    {
        if (GitCommand.Output(root, "ls-files", "-z") is { } listing)
        {
            return listing.Split('\0', StringSplitOptions.RemoveEmptyEntries).Where(path => File.Exists(Path.Combine(root, path)));
        }

        // No git on this machine, or no checkout: walk the folder instead.
        string[] outputs = ["bin", "obj", "artifacts", "TestResults", ".git", ".katas"];
        return Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(root, file).Replace('\\', '/'))
            .Where(path => !path.Split('/').Any(part => outputs.Contains(part)) && !path.EndsWith(".csv", StringComparison.Ordinal));
    }
}
