using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Katas.Cli;

/// <summary>feedback/&lt;student&gt;.md: per kata the verdict, each failing check with the grader's message, the seed to replay.</summary>
public static partial class Feedback
{
    private const int MessageLength = 4000;

    [GeneratedRegex(@"seed (\d+)")]
    private static partial Regex Seed();

    public static string For(SubmissionGrade grade)
    {
        var text = new StringBuilder();
        text.Append($"# {grade.Student}: {Number(grade.Score)} / {grade.MaxScore}\n\n");
        if (grade.Source is { } source)
        {
            text.Append($"Graded: {source.Describe()}.\n\n");
        }

        text.Append("| kata | points | verdict |\n|---|---:|---|\n");
        foreach (var kata in grade.Katas)
        {
            text.Append($"| {kata.Kata} | {Number(kata.Score)} / {kata.MaxScore} | {kata.Summary} |\n");
        }

        if (grade.IgnoredTeacherFiles.Count > 0)
        {
            text.Append("\nYour repository changes files that belong to the graders. They were ignored: the teacher's own ")
                .Append("graders and build files graded your code.\n\n");
            foreach (var path in grade.IgnoredTeacherFiles.Take(30))
            {
                text.Append($"- `{path}`\n");
            }
        }

        foreach (var kata in grade.Katas.Where(kata => kata.State != KataState.Passed))
        {
            text.Append($"\n## {kata.Kata}: {kata.Summary}\n");
            if (kata.Details.Length > 0)
            {
                text.Append("\n```text\n").Append(kata.Details.TrimEnd()).Append("\n```\n");
            }

            foreach (var check in kata.Checks.Where(check => check.Failed))
            {
                text.Append($"\n### ✗ {check.Name}\n\n```text\n").Append(CappedText.Truncate(check.Message.TrimEnd(), MessageLength)).Append("\n```\n");
                if (SeedOf(check) is { } seed && !check.Message.Contains($"(seed {seed})", StringComparison.Ordinal))
                {
                    text.Append($"\nCoyote seed {seed}: the same code fails the same way again; run ")
                        .Append($"`dotnet test graders/{kata.Kata}` to see it yourself.\n");
                }
            }

            // The graders' messages end with what to read; say it once, where no message did.
            if (kata.State != KataState.Missing &&
                !kata.Checks.Any(check => check.Failed && check.Message.Contains("Read next", StringComparison.Ordinal)))
            {
                text.Append($"\nRead next: `exercises/{kata.Kata}/README.md` (по-русски: `README.ru.md`).\n");
            }
        }

        return text.ToString();
    }

    /// <summary>The Coyote seed a systematic check printed, if it was one.</summary>
    public static string? SeedOf(GraderTestResult check) =>
        Seed().Match(check.Message) is { Success: true } match ? match.Groups[1].Value : null;

    public static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
