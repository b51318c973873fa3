using Katas.Cli;

namespace Katas.Grading.Tests;

/// <summary>
/// The repository this suite checks, found from the test's own location, with the layout as the `katas` tool knows it
/// (<see cref="KataRepository"/>: the one place that says what a kata folder is and where its grader is).
/// </summary>
public static class Repository
{
    public static KataRepository Layout { get; } = KataRepository.Find(AppContext.BaseDirectory);

    public static string Root => Layout.Root;

    public static string Exercises => Layout.Exercises;

    public static string Solutions => Path.Combine(Root, "solutions");

    public static string Solution => Path.Combine(Root, "Katas.sln");

    /// <summary>Every kata folder under graders/, in lesson order.</summary>
    public static IReadOnlyList<Kata> Katas { get; } = [.. Layout.Katas.Select(name => new Kata(name))];
}

/// <summary>One kata: its grader project and its known-right and known-wrong fixtures.</summary>
public sealed record Kata(string Name)
{
    public string GraderFolder => Path.Combine(Repository.Root, "graders", Name);

    public string GraderProject => Path.Combine(Repository.Root, Repository.Layout.GraderProject(Name));

    public IEnumerable<Fixture> Fixtures(string kind)
    {
        var folder = Path.Combine(GraderFolder, "Fixtures", kind);
        return Directory.Exists(folder)
            ? Directory.GetDirectories(folder).Order(StringComparer.Ordinal).Select(path => new Fixture(this, kind, path))
            : [];
    }

    public override string ToString() => Name;
}
