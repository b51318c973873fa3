namespace Katas.Grading.Tests;

/// <summary>The repository this suite checks, found from the test's own location.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Exercises => Path.Combine(Root, "exercises");

    public static string Solutions => Path.Combine(Root, "solutions");

    public static string Solution => Path.Combine(Root, "Katas.sln");

    /// <summary>Every kata folder under graders/, in lesson order.</summary>
    public static IReadOnlyList<Kata> Katas { get; } = Directory.GetDirectories(Path.Combine(Root, "graders"))
        .Select(Path.GetFileName)
        .OfType<string>()
        .Where(name => name.Length > 3 && char.IsDigit(name[0]) && char.IsDigit(name[1]) && name[2] == '-')
        .Order(StringComparer.Ordinal)
        .Select(name => new Kata(name))
        .ToList();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Katas.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Katas.sln above {AppContext.BaseDirectory}.");
    }
}

/// <summary>One kata: its grader project and its known-right and known-wrong fixtures.</summary>
public sealed record Kata(string Name)
{
    public string GraderFolder => Path.Combine(Repository.Root, "graders", Name);

    public string GraderProject => Directory.GetFiles(GraderFolder, "*.Grader.csproj").Single();

    public IEnumerable<Fixture> Fixtures(string kind)
    {
        var folder = Path.Combine(GraderFolder, "Fixtures", kind);
        return Directory.Exists(folder)
            ? Directory.GetDirectories(folder).Order(StringComparer.Ordinal).Select(path => new Fixture(this, kind, path))
            : [];
    }

    public override string ToString() => Name;
}
