using Katas.Cli;

namespace Katas.Grading.Tests;

/// <summary>
/// The batch grader's test submissions on kata 04 (BatchGradingTests, SandboxTests): its reference solution, and the bad
/// ones of Submissions/ (patches or whole files on top of it, laid out like a fixture), graded with short time limits.
/// </summary>
internal static class BadSubmissions
{
    public const string Kata = "04-locked-counter";

    private static readonly string s_source = Path.Combine(Repository.Root, "graders", "Katas.Grading.Tests", "Submissions");

    /// <summary>The teacher's points with two-minute kata limits: a submission that spins forever stays short, with room for a loaded CI machine.</summary>
    public static PointsConfig TwoMinuteLimits(KataRepository teacher)
    {
        var points = PointsConfig.Load(teacher);
        return points with { Katas = points.Katas.ToDictionary(pair => pair.Key, pair => pair.Value with { TimeoutMinutes = 2 }) };
    }

    /// <summary>The reference solution as a submission: <paramref name="folder"/>/04-locked-counter/.</summary>
    public static void Reference(string folder) => CopyFolder(Path.Combine(Repository.Solutions, Kata), Path.Combine(folder, Kata));

    /// <summary>Submissions/<paramref name="name"/> on the reference, as a submission in <paramref name="folder"/>.</summary>
    public static void Bad(string name, string folder) =>
        new Fixture(Repository.Katas.Single(kata => kata.Name == Kata), "submission", Path.Combine(s_source, name)).MaterializeUnder(folder);

    /// <summary>The submissions named, under <paramref name="submissions"/>, in name order (as `katas grade` lists them).</summary>
    public static List<Submission> Under(string submissions, IEnumerable<string> names) =>
        [.. names.Order(StringComparer.Ordinal).Select(name => new Submission(Path.Combine(submissions, name)))];

    public static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
