using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Katas.Mutation;

/// <summary>One mutant's line in a kata's report.</summary>
public sealed class MutantResult
{
    public string Id { get; set; } = "";
    public string Operator { get; set; } = "";
    public string ConMAn { get; set; } = "";
    public string File { get; set; } = "";
    public int Line { get; set; }
    public string Original { get; set; } = "";
    public string Mutated { get; set; } = "";
    public string Diff { get; set; } = "";
    public string Status { get; set; } = Mutation.Status.NotRun;
    public List<string> FailingChecks { get; set; } = [];
    public string Message { get; set; } = "";
    public string? EquivalentReason { get; set; }
    public double Seconds { get; set; }
}

public sealed class StaleEquivalent
{
    public string Id { get; set; } = "";
    public string Reason { get; set; } = "";
    public string Problem { get; set; } = "";
}

/// <summary>One kata's report, written as &lt;out&gt;/&lt;kata&gt;.json (after every mutant, so a stopped run can resume).</summary>
public sealed class KataReport
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string Kata { get; set; } = "";
    public string Repository { get; set; } = "";
    public string Commit { get; set; } = "";
    public string Source { get; set; } = "";
    /// <summary>SHA-256 of the grader's and the grading library's sources and the graded code: a resumed run reuses verdicts only when it matches.</summary>
    public string Fingerprint { get; set; } = "";
    public string Machine { get; set; } = "";
    public DateTimeOffset Started { get; set; }
    public double Minutes { get; set; }
    public List<string> MutatedFiles { get; set; } = [];
    public List<string> GivenFiles { get; set; } = [];
    public int BaselineChecks { get; set; }
    public double BaselineSeconds { get; set; }
    public string? Error { get; set; }
    public List<MutantResult> Mutants { get; set; } = [];
    public List<StaleEquivalent> StaleEquivalents { get; set; } = [];

    public int Count(string status) => Mutants.Count(m => m.Status == status);

    /// <summary>killed / (total - stillborn - equivalent), a time-out counting as killed; mutants not run (or that hit a tool error) are left out.</summary>
    public double? Score
    {
        get
        {
            var judged = Count(Status.Killed) + Count(Status.TimedOut) + Count(Status.Survived);
            return judged == 0 ? null : (double)(Count(Status.Killed) + Count(Status.TimedOut)) / judged;
        }
    }

    public void Save(string path)
    {
        var temporary = path + ".tmp";
        System.IO.File.WriteAllText(temporary, JsonSerializer.Serialize(this, s_json));
        System.IO.File.Move(temporary, path, overwrite: true);
    }

    public static KataReport? Load(string path)
    {
        try
        {
            return System.IO.File.Exists(path) ? JsonSerializer.Deserialize<KataReport>(System.IO.File.ReadAllText(path), s_json) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The summary table (one row per kata), then the survivors of each kata with their one-line diffs.</summary>
    public static string Markdown(IReadOnlyList<KataReport> reports)
    {
        var text = new StringBuilder();
        text.AppendLine("| kata | mutants | stillborn | killed | timed out | survived | equivalent | score | minutes |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var r in reports)
        {
            var notRun = r.Count(Status.NotRun) + r.Count(Status.Error);
            var score = r.Error is not null ? "baseline broken" : r.Score is { } s ? s.ToString("P0", CultureInfo.InvariantCulture).Replace(" ", "", StringComparison.Ordinal) : "-";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Kata} | {r.Mutants.Count}{(notRun > 0 ? $" ({notRun} not graded)" : "")} | {r.Count(Status.Stillborn)} | {r.Count(Status.Killed)} | {r.Count(Status.TimedOut)} | {r.Count(Status.Survived)} | {r.Count(Status.Equivalent)} | {score} | {r.Minutes:0.0} |");
        }

        var total = new KataReport { Mutants = [.. reports.SelectMany(r => r.Mutants)] };
        text.AppendLine(CultureInfo.InvariantCulture,
            $"| **all** | {total.Mutants.Count} | {total.Count(Status.Stillborn)} | {total.Count(Status.Killed)} | {total.Count(Status.TimedOut)} | {total.Count(Status.Survived)} | {total.Count(Status.Equivalent)} | {(total.Score is { } all ? all.ToString("P0", CultureInfo.InvariantCulture).Replace(" ", "", StringComparison.Ordinal) : "-")} | {reports.Sum(r => r.Minutes):0.0} |");

        foreach (var r in reports)
        {
            var survivors = r.Mutants.Where(m => m.Status == Status.Survived).ToList();
            var problems = r.Mutants.Where(m => m.Status is Status.Error or Status.NotRun).ToList();
            if (survivors.Count == 0 && problems.Count == 0 && r.StaleEquivalents.Count == 0 && r.Error is null)
            {
                continue;
            }

            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"### {r.Kata}: {survivors.Count} survivor{(survivors.Count == 1 ? "" : "s")}");
            text.AppendLine();
            if (r.Error is not null)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"Baseline broken: {r.Error.Split('\n')[0]}");
            }

            foreach (var m in survivors)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"- `{m.Id}` {m.Operator}: `{m.Diff.Replace("`", "'", StringComparison.Ordinal)}`");
            }

            foreach (var m in problems)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"- not graded ({m.Status}): `{m.Id}` {m.Message.Split('\n')[0]}");
            }

            foreach (var stale in r.StaleEquivalents)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"- stale equivalent-mutants.json entry `{stale.Id}`: {stale.Problem}");
            }
        }

        return text.ToString();
    }
}
