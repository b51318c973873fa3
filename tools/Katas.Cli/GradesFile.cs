using System.Text.Json;
using System.Text.Json.Serialization;

namespace Katas.Cli;

/// <summary>
/// grades.json: every verdict of a batch with everything the reports are made from (checks, messages, scores), so that
/// `katas merge` can write the reports of several shards as one run would have.
/// </summary>
public static class GradesFile
{
    public const string Name = "grades.json";

    private static readonly JsonSerializerOptions s_options = new(JsonOutput.Options) { Converters = { new JsonStringEnumConverter() } };

    public sealed record Contents(IReadOnlyList<string> Katas, IReadOnlyList<SubmissionGrade> Grades);

    public static void Write(string folder, IReadOnlyList<SubmissionGrade> grades, IReadOnlyList<string> katas)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, Name), JsonSerializer.Serialize(new Contents(katas, grades), s_options));
    }

    public static Contents Read(string folder)
    {
        var path = Path.Combine(folder, Name);
        if (!File.Exists(path))
        {
            throw new UsageException($"{folder} has no {Name}: is it the --out folder of a `katas grade` run?");
        }

        return JsonSerializer.Deserialize<Contents>(File.ReadAllText(path), s_options) ?? throw new UsageException($"{path} is empty.");
    }
}
