using System.Text.Json;
using System.Text.Json.Serialization;

namespace Katas.Cli;

/// <param name="Points">What the kata is worth, shared among its checks by <see cref="Scoring"/>.</param>
/// <param name="TimeoutMinutes">How long one run of its grader may take, build included, in batch grading and in Classroom.</param>
public sealed record KataPoints(int Points, int TimeoutMinutes);

/// <summary>
/// graders/points.json: the one place that says what each kata is worth and how long its grader may run. The batch
/// grader, the GitHub Classroom workflow and the Gradescope package are all derived from it.
/// </summary>
public sealed record PointsConfig(
    [property: JsonPropertyName("katas")] IReadOnlyDictionary<string, KataPoints> Katas,
    [property: JsonPropertyName("templateRepository")] string? TemplateRepository = null,
    [property: JsonPropertyName("classShards")] int ClassShards = PointsConfig.DefaultClassShards)
{
    /// <summary>Machines the teacher's class workflow grades on at once (.github/workflows/grade-class.yml).</summary>
    public const int DefaultClassShards = 4;

    public const string RelativePath = "graders/points.json";

    private static readonly JsonSerializerOptions s_options = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public int Total => Katas.Values.Sum(kata => kata.Points);

    public KataPoints For(string kata) =>
        Katas.TryGetValue(kata, out var points) ? points : throw new UsageException($"{RelativePath} gives no points for {kata}.");

    public static PointsConfig Load(KataRepository repository)
    {
        var path = Path.Combine(repository.Root, RelativePath);
        var config = JsonSerializer.Deserialize<PointsConfig>(File.ReadAllText(path), s_options)
                     ?? throw new UsageException($"{RelativePath} is empty.");
        var problems = config.ProblemsWith(repository.Katas);
        return problems.Count == 0 ? config : throw new UsageException($"{RelativePath}: {string.Join("; ", problems)}");
    }

    /// <summary>Every kata needs an entry with positive points and time; no entry may name a kata that does not exist.</summary>
    public IReadOnlyList<string> ProblemsWith(IReadOnlyList<string> katas)
    {
        var problems = new List<string>();
        problems.AddRange(katas.Where(kata => !Katas.ContainsKey(kata)).Select(kata => $"no entry for {kata}"));
        problems.AddRange(Katas.Keys.Where(kata => !katas.Contains(kata)).Select(kata => $"{kata} is not a kata under graders/"));
        problems.AddRange(Katas.Where(pair => pair.Value.Points <= 0 || pair.Value.TimeoutMinutes <= 0)
            .Select(pair => $"{pair.Key} needs points and timeoutMinutes above 0"));
        if (ClassShards is < 1 or > 64)
        {
            problems.Add($"classShards must be between 1 and 64, not {ClassShards}");
        }

        if (TemplateRepository is { Length: > 0 } template && !System.Text.RegularExpressions.Regex.IsMatch(template, @"^[\w.-]+/[\w.-]+$"))
        {
            problems.Add($"templateRepository must look like owner/name, not '{template}'");
        }

        return problems;
    }
}
