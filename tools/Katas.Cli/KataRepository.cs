namespace Katas.Cli;

/// <summary>A checkout of this repository (the teacher's, a student's, or a grading workspace copy).</summary>
public sealed class KataRepository(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    public string Exercises => Path.Combine(Root, "exercises");

    /// <summary>The teacher's repository (with the reference solutions), not a student template exported from it.</summary>
    public bool IsTeachers => Directory.Exists(Path.Combine(Root, "solutions"));

    /// <summary>Every kata with a grader, in lesson order: folders named like "04-locked-counter" under graders/.</summary>
    public IReadOnlyList<string> Katas =>
        [.. Directory.GetDirectories(Path.Combine(Root, "graders"))
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(IsKataName)
            .Order(StringComparer.Ordinal)];

    /// <summary>The kata's grader project, relative to the root with '/' separators (it goes into workflow files).</summary>
    public string GraderProject(string kata)
    {
        var project = Directory.GetFiles(Path.Combine(Root, "graders", kata), "*.Grader.csproj").Single();
        return Path.GetRelativePath(Root, project).Replace('\\', '/');
    }

    /// <summary>
    /// The graders' run settings, which `dotnet test` of a grader project reads from the project (RunSettingsFilePath in
    /// graders/Kata.Grader.targets) and `dotnet test` of a built grader assembly must be given.
    /// </summary>
    public string GraderRunSettings => Path.Combine(Root, "graders", "grading.runsettings");

    /// <summary>"04", "04-locked-counter" or "locked-counter" all name kata 04, in every command.</summary>
    public string Resolve(string name)
    {
        var matches = Katas.Where(kata => kata == name || kata.StartsWith(name + "-", StringComparison.Ordinal) || kata[3..] == name).ToList();
        return matches.Count == 1 ? matches[0] : throw new UsageException($"No kata named '{name}'. The katas: {string.Join(", ", Katas)}");
    }

    /// <summary>Kata names, each one or a comma-separated list (--katas 04,06), resolved, each kata once.</summary>
    public IReadOnlyList<string> ResolveAll(IEnumerable<string> names) =>
        [.. names.SelectMany(list => list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).Select(Resolve).Distinct()];

    /// <summary>
    /// What a kata folder's name looks like. MSBuild cannot call this class, so graders/Directory.Build.props holds the
    /// same pattern (a suite test reads it from there and compares).
    /// </summary>
    public const string KataNamePattern = @"^\d\d-[a-z0-9-]+$";

    public static bool IsKataName(string name) => System.Text.RegularExpressions.Regex.IsMatch(name, KataNamePattern);

    /// <summary>The repository that holds <paramref name="start"/> (a folder inside it, or the current one).</summary>
    public static KataRepository Find(string? start = null)
    {
        for (var dir = new DirectoryInfo(start ?? Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Katas.sln")) && Directory.Exists(Path.Combine(dir.FullName, "graders")))
            {
                return new KataRepository(dir.FullName);
            }
        }

        throw new UsageException($"No kata repository (a folder with Katas.sln and graders/) at or above {start ?? Directory.GetCurrentDirectory()}.");
    }

    /// <summary>Where the program itself is built: its repository, whatever the current folder.</summary>
    public static KataRepository OfThisProgram() => Find(AppContext.BaseDirectory);
}

/// <summary>A mistake in how the command was called: its message is printed without a stack trace.</summary>
public sealed class UsageException(string message) : Exception(message);
