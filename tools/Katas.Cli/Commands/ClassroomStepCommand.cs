using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;

namespace Katas.Cli;

/// <summary>
/// `katas classroom-step &lt;kata&gt;`: one kata's step of the GitHub Classroom workflow. Grades the student's code the
/// way `katas grade` does (the same runner, the same <see cref="Scoring"/>), prints the kata's feedback to the log, and
/// writes the result that classroom-resources/autograding-grading-reporter reads: its runner JSON, base64, as the
/// step's output `result`. Exits 0 whatever the grade (the reporter fails the job when a kata failed).
/// </summary>
public static class ClassroomStepCommand
{
    public static Command Create()
    {
        var kata = CliSymbols.Kata("the kata to grade");
        var code = new Option<string?>("--code")
        {
            Description = $"the student's exercises (default: $KATAS_STUDENT_CODE or {ClassroomFiles.StudentCode})",
            HelpName = "folder",
        };
        var noBuild = new Option<bool>("--no-build") { Description = "the graders were built already (one build step for all katas)" };
        var command = new Command("classroom-step", "grades one kata for GitHub Classroom (the generated workflow runs it) and writes the reporter's result to $GITHUB_OUTPUT")
        {
            kata, code, noBuild,
        };
        command.SetAction(parse => Run(parse.GetRequiredValue(kata),
            Path.GetFullPath(parse.GetValue(code) ?? Environment.GetEnvironmentVariable("KATAS_STUDENT_CODE") ?? ClassroomFiles.StudentCode),
            build: !parse.GetValue(noBuild)));
        return command;
    }

    private static int Run(string kata, string code, bool build)
    {
        var teacher = KataRepository.OfThisProgram();
        var points = PointsConfig.Load(teacher);
        var results = Path.Combine(Path.GetTempPath(), "katas-classroom-results");

        KataVerdict verdict;
        try
        {
            verdict = Grade(teacher, points, kata, code, results, build);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Xml.XmlException)
        {
            // The reporter must still get this kata's result, or it cannot add up any.
            verdict = KataVerdict.Without(kata, KataState.Crashed, points.For(kata).Points, "could not be graded: " + e.Message);
        }

        Console.WriteLine(Feedback.For(new SubmissionGrade("your code", [verdict], [])));
        var encoded = Encoded(verdict);
        if (Environment.GetEnvironmentVariable("GITHUB_OUTPUT") is { Length: > 0 } output)
        {
            File.AppendAllText(output, $"result={encoded}\n");
        }
        else
        {
            Console.WriteLine($"result={encoded}");
        }

        return 0;
    }

    /// <summary>One kata of the student's code, graded as `katas grade` grades it.</summary>
    public static KataVerdict Grade(KataRepository teacher, PointsConfig points, string kata, string code, string results, bool build)
    {
        var maxScore = points.For(kata).Points;
        return Scoring.BeforeGrading(teacher, kata, new Submission(code), maxScore)
               ?? new KataRunner(teacher, points).Run(kata, code, results, restore: build, build: build);
    }

    /// <summary>The reporter's runner JSON for one kata: one test per check, whose scores add up to the kata's score.</summary>
    public static string Result(KataVerdict verdict)
    {
        var tests = new JsonArray();
        if (verdict.Scoring is { } scoring)
        {
            foreach (var part in scoring.Checks)
            {
                tests.Add(Test(part.Name, part.Passed, part.Score, CappedText.Truncate(Scoring.Explain(verdict, scoring, part), 2000)));
            }
        }
        else
        {
            // The reporter needs a test to show (a runner without one is NaN points), and the verdict to say why.
            tests.Add(Test(verdict.Kata, passed: false, 0, CappedText.Truncate($"{verdict.Summary}\n{verdict.Details}".Trim(), 2000)));
        }

        var result = new JsonObject
        {
            ["version"] = 1,
            ["status"] = verdict.State == KataState.Passed ? "pass" : verdict.State is KataState.Failed or KataState.NotStarted or KataState.Missing ? "fail" : "error",
            ["max_score"] = verdict.MaxScore,
            ["tests"] = tests,
        };
        return result.ToJsonString();
    }

    public static string Encoded(KataVerdict verdict) => Convert.ToBase64String(Encoding.UTF8.GetBytes(Result(verdict)));

    private static JsonObject Test(string name, bool passed, double score, string message) => new()
    {
        ["name"] = name,
        ["status"] = passed ? "pass" : "fail",
        ["score"] = score,
        ["message"] = message,
    };
}
