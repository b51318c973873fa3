using System.Net;
using System.Text;
using System.Text.Json;

namespace Katas.Cli;

/// <summary>
/// grades/report.html: the class at a glance, for the teacher. One self-contained page (no network: its style, data
/// and script are inline, so it opens from disk or an artifact): the gradebook with each run's state, a score
/// distribution per kata (drawn by the page's script from its inline data), the checks most of the class fails with an
/// example message, groups of byte-identical code per kata, and the runs to look at (timed out, crashed, tampered, did
/// not compile, not started, not graded).
/// </summary>
public static class ClassReport
{
    public const string FileName = "report.html";

    /// <summary>The bins of the score chart, as fractions of a kata's points: 0, under 25%, ..., under 100%, 100%.</summary>
    public static readonly string[] Bins = ["0", "< 25%", "< 50%", "< 75%", "< 100%", "100%"];

    // The default encoder escapes '<', '>' and '&' in JSON strings, so student text inside the page's <script> block
    // can never close it.
    private static readonly JsonSerializerOptions s_data = new() { WriteIndented = false };

    public static void Write(string folder, IReadOnlyList<SubmissionGrade> grades, IReadOnlyList<string> katas) =>
        File.WriteAllText(Path.Combine(folder, FileName), Html(grades, katas), new UTF8Encoding(false));

    public static string Html(IReadOnlyList<SubmissionGrade> grades, IReadOnlyList<string> katas)
    {
        var page = new StringBuilder();
        page.Append($$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>Parallel Katas: class report</title>
            <style>
            body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
            table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
            th, td { border: 1px solid #ccc; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
            td.score { text-align: right; }
            .passed { background: #dff5df; } .failed { background: #fff3cd; } .flagged { background: #f8d7da; }
            .missing, .not-started, .not-graded { color: #777; }
            pre { white-space: pre-wrap; margin: 0; max-width: 60em; }
            svg text { font: 12px system-ui, sans-serif; }
            </style>
            </head>
            <body>
            <h1>Parallel Katas: class report</h1>
            <p>{{grades.Count}} students, {{katas.Count}} katas. Cells: points, or the state of a run that did not get a fair one.
            Hover a cell for what the grader said; each student's feedback/&lt;student&gt;.md has the details.</p>
            """).Append('\n');

        GradebookTable(page, grades, katas);
        page.Append("<h2>Scores per kata</h2>\n<p>How many students scored in each band of the kata's points.</p>\n")
            .Append("<svg id=\"chart\" role=\"img\" aria-label=\"Score distribution per kata\" width=\"760\" height=\"0\"></svg>\n");
        FailedChecks(page, grades);
        IdenticalCode(page, grades, katas);
        Flagged(page, grades);

        var data = katas.Select(kata => new
        {
            name = kata,
            max = grades.SelectMany(grade => grade.Katas).FirstOrDefault(verdict => verdict.Kata == kata)?.MaxScore ?? 0,
            scores = grades.Select(grade => grade.Katas.FirstOrDefault(verdict => verdict.Kata == kata)?.Score ?? 0).ToArray(),
        });
        page.Append("<script type=\"application/json\" id=\"scores\">").Append(JsonSerializer.Serialize(data, s_data)).Append("</script>\n")
            .Append("<script type=\"application/json\" id=\"bins\">").Append(JsonSerializer.Serialize(Bins, s_data)).Append("</script>\n")
            .Append(ChartScript)
            .Append("</body>\n</html>\n");
        return page.ToString();
    }

    private static void GradebookTable(StringBuilder page, IReadOnlyList<SubmissionGrade> grades, IReadOnlyList<string> katas)
    {
        page.Append("<h2>Gradebook</h2>\n<table id=\"gradebook\">\n<tr><th>student</th>");
        foreach (var kata in katas)
        {
            page.Append($"<th title=\"{Encode(kata)}\">{Encode(kata[..2])}</th>");
        }

        page.Append("<th>total</th><th>flags</th></tr>\n");
        foreach (var grade in grades)
        {
            page.Append($"<tr><td>{Encode(grade.Student)}</td>");
            foreach (var verdict in grade.Katas)
            {
                var style = verdict.Flagged && verdict.State is not (KataState.NotStarted or KataState.NotGraded) ? "flagged" : verdict.StateLabel.Replace(' ', '-');
                var shown = verdict.State is KataState.Passed or KataState.Failed ? Feedback.Number(verdict.Score) : verdict.StateLabel;
                page.Append($"<td class=\"score {style}\" title=\"{Encode(verdict.Summary)}\">{Encode(shown)}</td>");
            }

            page.Append($"<td class=\"score\">{Feedback.Number(grade.Score)}/{grade.MaxScore}</td><td>{Encode(Gradebook.Flags(grade))}</td></tr>\n");
        }

        page.Append("</table>\n");
    }

    private static void FailedChecks(StringBuilder page, IReadOnlyList<SubmissionGrade> grades)
    {
        var failed = grades
            .SelectMany(grade => grade.Katas.SelectMany(verdict => verdict.Checks.Where(check => check.Failed)
                .Select(check => (grade.Student, verdict.Kata, Check: Scoring.CheckOf(check.Name), check.Message))))
            .GroupBy(failure => (failure.Kata, failure.Check))
            .Select(group => (group.Key.Kata, group.Key.Check, Students: group.Select(failure => failure.Student).Distinct().Count(), Example: group.First()))
            .OrderByDescending(row => row.Students).ThenBy(row => row.Kata, StringComparer.Ordinal).ThenBy(row => row.Check, StringComparer.Ordinal)
            .Take(20)
            .ToList();
        page.Append("<h2>Checks most often failed</h2>\n");
        if (failed.Count == 0)
        {
            page.Append("<p>No check failed.</p>\n");
            return;
        }

        page.Append("<table id=\"failed-checks\">\n<tr><th>kata</th><th>check</th><th>students</th><th>for example</th></tr>\n");
        foreach (var row in failed)
        {
            var message = row.Example.Message.Trim();
            message = message.Length <= 400 ? message : message[..400] + " ...";
            page.Append($"<tr><td>{Encode(row.Kata)}</td><td>{Encode(row.Check)}</td><td class=\"score\">{row.Students}</td>")
                .Append($"<td>{Encode(row.Example.Student)}: <pre>{Encode(message)}</pre></td></tr>\n");
        }

        page.Append("</table>\n");
    }

    private static void IdenticalCode(StringBuilder page, IReadOnlyList<SubmissionGrade> grades, IReadOnlyList<string> katas)
    {
        var groups = katas.SelectMany(kata => grades
                .Select(grade => (grade.Student, Verdict: grade.Katas.FirstOrDefault(verdict => verdict.Kata == kata)))
                .Where(cell => cell.Verdict is { Fingerprint: not null } && Gradebook.Ran(cell.Verdict))
                .GroupBy(cell => cell.Verdict!.Fingerprint)
                .Where(group => group.Count() > 1)
                .Select(group => (Kata: kata, Students: group.Select(cell => cell.Student).ToList(), group.First().Verdict!.Score)))
            .ToList();
        page.Append("<h2>Identical code</h2>\n<p>Submissions whose files of a kata are byte for byte the same (the untouched stub left out).</p>\n");
        if (groups.Count == 0)
        {
            page.Append("<p>None.</p>\n");
            return;
        }

        page.Append("<table id=\"identical\">\n<tr><th>kata</th><th>students</th><th>score</th></tr>\n");
        foreach (var group in groups)
        {
            page.Append($"<tr><td>{Encode(group.Kata)}</td><td>{Encode(string.Join(", ", group.Students))}</td><td class=\"score\">{Feedback.Number(group.Score)}</td></tr>\n");
        }

        page.Append("</table>\n");
    }

    private static void Flagged(StringBuilder page, IReadOnlyList<SubmissionGrade> grades)
    {
        var flagged = grades.SelectMany(grade => grade.Katas.Where(verdict => verdict.Flagged).Select(verdict => (grade.Student, Verdict: verdict))).ToList();
        page.Append("<h2>Runs to look at</h2>\n<p>Timed out, crashed, tampered with, did not compile, not started or not graded yet.</p>\n");
        if (flagged.Count == 0)
        {
            page.Append("<p>None.</p>\n");
            return;
        }

        page.Append("<table id=\"flagged\">\n<tr><th>student</th><th>kata</th><th>state</th><th>what happened</th></tr>\n");
        foreach (var (student, verdict) in flagged)
        {
            page.Append($"<tr><td>{Encode(student)}</td><td>{Encode(verdict.Kata)}</td><td>{Encode(verdict.StateLabel)}</td><td>{Encode(verdict.Summary)}</td></tr>\n");
        }

        page.Append("</table>\n");
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    // One horizontal bar per (kata, band), as wide as the share of the class in that band. data-* attributes let a test
    // (and a curious teacher) read the numbers back; <body data-chart="drawn"> says the script ran to the end.
    private const string ChartScript = """
        <script>
        (function () {
          const katas = JSON.parse(document.getElementById('scores').textContent);
          const bins = JSON.parse(document.getElementById('bins').textContent);
          const svg = document.getElementById('chart');
          const ns = 'http://www.w3.org/2000/svg';
          const band = (score, max) => score <= 0 ? 0 : score >= max ? bins.length - 1 : 1 + Math.floor(4 * score / max);
          const add = (name, attributes, text) => {
            const element = document.createElementNS(ns, name);
            for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
            if (text !== undefined) element.textContent = text;
            svg.appendChild(element);
            return element;
          };
          const row = 16, labelWidth = 190, barWidth = 480;
          let y = 0;
          for (const kata of katas) {
            const counts = bins.map(() => 0);
            for (const score of kata.scores) counts[band(score, kata.max)]++;
            add('text', { x: 0, y: y + 12, 'font-weight': 'bold' }, kata.name);
            y += row;
            counts.forEach((count, i) => {
              add('text', { x: 10, y: y + 12 }, bins[i]);
              const width = kata.scores.length ? barWidth * count / kata.scores.length : 0;
              add('rect', { x: labelWidth, y: y + 2, width: width, height: row - 4, fill: i === bins.length - 1 ? '#4caf50' : i === 0 ? '#e57373' : '#ffb74d',
                            'data-kata': kata.name, 'data-band': bins[i], 'data-count': count });
              add('text', { x: labelWidth + width + 6, y: y + 12 }, String(count));
              y += row;
            });
            y += 6;
          }
          svg.setAttribute('height', y);
          document.body.dataset.chart = 'drawn';
        })();
        </script>

        """;
}
