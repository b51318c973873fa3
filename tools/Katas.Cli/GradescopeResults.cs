using System.Text.Json;
using System.Text.Json.Nodes;

namespace Katas.Cli;

/// <summary>
/// A submission's grade as Gradescope's autograder reads it (/autograder/results/results.json): one test per grader
/// check, worth its part of the kata's points by the one rule of <see cref="Scoring"/> (the parts add up to the kata's
/// score, the core cap included), so that Gradescope shows the same points as the gradebook.
/// </summary>
public static class GradescopeResults
{
    private const int OutputLength = 4000;

    /// <param name="executionTime">How long grading took (Gradescope shows it), when known.</param>
    /// <param name="output">The text above the tests (markdown): the whole feedback, when given.</param>
    public static string For(SubmissionGrade grade, TimeSpan? executionTime = null, string? output = null)
    {
        var tests = new JsonArray();
        foreach (var kata in grade.Katas)
        {
            if (kata.Scoring is not { } scoring)
            {
                tests.Add(Test($"{kata.Kata}", 0, kata.MaxScore, passed: false, $"{kata.Summary}\n{kata.Details}".Trim(), seed: null));
                continue;
            }

            foreach (var part in scoring.Checks)
            {
                var failed = kata.Checks.FirstOrDefault(check => check.Failed && Scoring.CheckOf(check.Name) == part.Name);
                tests.Add(Test($"{kata.Kata}: {part.Name}", part.Score, part.MaxScore, part.Passed, Scoring.Explain(kata, scoring, part),
                    failed is null ? null : Feedback.SeedOf(failed)));
            }
        }

        var results = new JsonObject
        {
            ["score"] = grade.Score,
            ["output"] = CappedText.Truncate(output ?? $"{Feedback.Number(grade.Score)} of {grade.MaxScore} points.", 16_000),
            ["output_format"] = "md",
            ["visibility"] = "visible",
            ["stdout_visibility"] = "hidden",
            ["tests"] = tests,
        };
        if (executionTime is { } time)
        {
            results["execution_time"] = (int)Math.Ceiling(time.TotalSeconds);
        }

        return results.ToJsonString(JsonOutput.Options) + "\n";
    }

    private static JsonObject Test(string name, double score, double maxScore, bool passed, string output, string? seed)
    {
        var test = new JsonObject
        {
            ["name"] = name,
            ["score"] = score,
            ["max_score"] = maxScore,
            ["status"] = passed ? "passed" : "failed",
            ["output"] = CappedText.Truncate(output, OutputLength),
            ["output_format"] = "text",
            ["visibility"] = "visible",
        };
        if (seed is not null)
        {
            test["extra_data"] = new JsonObject { ["coyote_seed"] = seed };
        }

        return test;
    }
}
