using System.Text;

namespace Katas.Cli;

/// <summary>Every report of a batch, written under one folder, and the summary printed at the end.</summary>
public static class BatchReports
{
    public static void Write(string folder, IReadOnlyList<SubmissionGrade> grades, IReadOnlyList<string> katas)
    {
        Directory.CreateDirectory(folder);
        Gradebook.Write(folder, grades, katas);
        ClassReport.Write(folder, grades, katas);
        foreach (var grade in grades)
        {
            var name = SafeName(grade.Student);
            Write(Path.Combine(folder, "feedback", name + ".md"), Feedback.For(grade));
            Write(Path.Combine(folder, "gradescope", name, "results.json"), GradescopeResults.For(grade));
            foreach (var kata in grade.Katas)
            {
                var path = Path.Combine(folder, "junit", name, kata.Kata + ".xml");
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                JUnitReport.Save(JUnitReport.For(grade.Student, kata), path);
            }
        }
    }

    public static string Summary(IReadOnlyList<SubmissionGrade> grades, IReadOnlyList<string> katas, TimeSpan elapsed, string folder)
    {
        var width = Math.Max(7, grades.Select(grade => grade.Student.Length).DefaultIfEmpty(0).Max());
        var text = new StringBuilder("\n");
        text.Append("student".PadRight(width)).Append("  ").Append(string.Join(' ', katas.Select(kata => kata[..2].PadLeft(5)))).Append("   total\n");
        foreach (var grade in grades)
        {
            text.Append(grade.Student.PadRight(width)).Append("  ")
                .Append(string.Join(' ', grade.Katas.Select(kata => Cell(kata).PadLeft(5))))
                .Append($"   {Feedback.Number(grade.Score)}/{grade.MaxScore}")
                .Append(grade.Source?.Late == true ? "  late" : "").Append('\n');
        }

        var graded = grades.SelectMany(grade => grade.Katas).Where(Gradebook.Ran).ToList();
        // Identical code was graded once and its verdict shared: count each run once.
        var runs = graded.Distinct(ReferenceEqualityComparer.Instance).Cast<KataVerdict>().ToList();
        text.Append($"\n{grades.Count} submissions, {graded.Count} katas with code, {runs.Count} distinct (built and run) in {elapsed:mm\\:ss} ")
            .Append($"(build {Seconds(runs.Sum(run => run.BuildTime.TotalSeconds))}, checks {Seconds(runs.Sum(run => run.TestTime.TotalSeconds))}, summed over workers).\n")
            .Append(runs.Count(run => run.Sandboxed) is var sandboxed && sandboxed == runs.Count
                ? "Every run was sandboxed (bubblewrap).\n"
                : $"Sandboxed: {sandboxed} of {runs.Count} runs; the others ran with your permissions.\n")
            .Append("Cells: points, or T timed out, L over a limit of the sandbox, C does not compile, X crashed, ! tampered, - missing, 0s not started (untouched stub), ? not graded yet.\n")
            .Append($"Reports: {folder}/report.html (the class at a glance), gradebook.csv, gradebook.json, feedback/, gradescope/, junit/\n");
        return text.ToString();
    }

    private static string Cell(KataVerdict kata) => kata.State switch
    {
        KataState.TimedOut => "T",
        KataState.DoesNotCompile => "C",
        KataState.Crashed => "X",
        KataState.Tampered => "!",
        KataState.OverLimit => "L",
        KataState.Missing => "-",
        KataState.NotStarted => "0s",
        KataState.NotGraded => "?",
        _ => Feedback.Number(kata.Score),
    };

    private static string Seconds(double seconds) => $"{seconds:0} s";

    private static void Write(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    /// <summary>A student's folder name, safe as a file name on any system.</summary>
    public static string SafeName(string student) =>
        new([.. student.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')]);
}
