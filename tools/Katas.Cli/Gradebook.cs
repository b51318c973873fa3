using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Katas.Cli;

/// <summary>gradebook.csv and gradebook.json: one row per student, one column per kata, the total.</summary>
public static class Gradebook
{
    public static void Write(string folder, IReadOnlyList<SubmissionGrade> grades, IReadOnlyList<string> katas)
    {
        File.WriteAllText(Path.Combine(folder, "gradebook.csv"), Csv(grades, katas));
        File.WriteAllText(Path.Combine(folder, "gradebook.json"), Json(grades, katas));
    }

    public static string Csv(IReadOnlyList<SubmissionGrade> grades, IReadOnlyList<string> katas)
    {
        var csv = new StringBuilder();
        // The scores stay numbers (a spreadsheet adds them up); what happened to a run that did not get a fair one is in
        // the last column, as in the terminal table and report.html.
        csv.Append(string.Join(',', ["student", .. katas, "total", "max", "flags", "commit", "committed", "late"])).Append('\n');
        foreach (var grade in grades)
        {
            IEnumerable<string> cells = [CsvText.Quoted(grade.Student), .. grade.Katas.Select(kata => Feedback.Number(kata.Score)), Feedback.Number(grade.Score), Feedback.Number(grade.MaxScore), CsvText.Quoted(Flags(grade)),
                grade.Source?.Commit ?? "", grade.Source?.Committed?.ToString("yyyy-MM-ddTHH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture) ?? "",
                grade.Source?.Late == true ? "late" : ""];
            csv.Append(string.Join(',', cells)).Append('\n');
        }

        return csv.ToString();
    }

    public static string Json(IReadOnlyList<SubmissionGrade> grades, IReadOnlyList<string> katas)
    {
        var students = new JsonArray();
        foreach (var grade in grades)
        {
            var perKata = new JsonObject();
            foreach (var kata in grade.Katas)
            {
                perKata[kata.Kata] = new JsonObject
                {
                    ["score"] = kata.Score,
                    ["max"] = kata.MaxScore,
                    ["state"] = kata.StateLabel,
                    ["summary"] = kata.Summary,
                    ["sandboxed"] = kata.Sandboxed,
                };
            }

            students.Add(new JsonObject
            {
                ["student"] = grade.Student,
                ["total"] = grade.Score,
                ["max"] = grade.MaxScore,
                ["katas"] = perKata,
                ["ignoredTeacherFiles"] = new JsonArray([.. grade.IgnoredTeacherFiles.Select(path => (JsonNode)path)]),
                ["commit"] = grade.Source?.Commit,
                ["committed"] = grade.Source?.Committed,
                ["late"] = grade.Source?.Late ?? false,
                ["deadline"] = grade.Source?.Deadline,
            });
        }

        var root = new JsonObject
        {
            ["katas"] = new JsonArray([.. katas.Select(kata => (JsonNode)kata)]),
            // Runs of submitted code (built and checked), and how many of them ran in the sandbox.
            ["runs"] = grades.SelectMany(grade => grade.Katas).Count(Ran),
            ["sandboxedRuns"] = grades.SelectMany(grade => grade.Katas).Count(kata => kata.Sandboxed),
            ["students"] = students,
        };
        return root.ToJsonString(JsonOutput.Options) + "\n";
    }

    /// <summary>Whether submitted code was built for the verdict (not missing, not the stub, not waiting for a regrade).</summary>
    public static bool Ran(KataVerdict kata) => kata.State is not (KataState.Missing or KataState.NotStarted or KataState.NotGraded);

    /// <summary>"late; 04 timed out; 06 tampered": a commit after the deadline, and the student's flagged runs (<see cref="KataVerdict.Flagged"/>), empty when none.</summary>
    public static string Flags(SubmissionGrade grade) =>
        string.Join("; ", (grade.Source?.Late == true ? ["late"] : Array.Empty<string>())
            .Concat(grade.Katas.Where(kata => kata.Flagged).Select(kata => $"{kata.Kata[..2]} {kata.StateLabel}")));
}
