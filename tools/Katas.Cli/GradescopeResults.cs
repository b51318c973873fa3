using System.Text.Json;
using System.Text.Json.Nodes;

namespace Katas.Cli;

/// <summary>
/// A submission's grade as Gradescope's autograder reads it (/autograder/results/results.json): one test per grader
/// check, worth its share of the kata's points, so the same graders can run on Gradescope.
/// </summary>
public static class GradescopeResults
{
    private const int OutputLength = 4000;

    public static string For(SubmissionGrade grade)
    {
        var tests = new JsonArray();
        foreach (var kata in grade.Katas)
        {
            if (kata.Checks.Count == 0 || kata.State is KataState.Crashed or KataState.Tampered)
            {
                tests.Add(Test($"{kata.Kata}", 0, kata.MaxScore, passed: false, $"{kata.Summary}\n{kata.Details}".Trim(), seed: null));
                continue;
            }

            var share = (double)kata.MaxScore / kata.Checks.Count;
            foreach (var check in kata.Checks)
            {
                tests.Add(Test($"{kata.Kata}: {check.Name}", check.Failed ? 0 : Math.Round(share, 2), Math.Round(share, 2), !check.Failed,
                    check.Failed ? check.Message : check.NotJudged ? "not judged on this machine (counts as passed): " + check.Message : "", Feedback.SeedOf(check)));
            }
        }

        var results = new JsonObject
        {
            ["score"] = grade.Score,
            ["output"] = $"{Feedback.Number(grade.Score)} of {grade.MaxScore} points.",
            ["visibility"] = "visible",
            ["stdout_visibility"] = "hidden",
            ["tests"] = tests,
        };
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
            ["visibility"] = "visible",
        };
        if (seed is not null)
        {
            test["extra_data"] = new JsonObject { ["coyote_seed"] = seed };
        }

        return test;
    }
}
