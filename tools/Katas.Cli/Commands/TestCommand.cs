using System.CommandLine;

namespace Katas.Cli;

/// <summary>
/// `katas test &lt;kata&gt;`: a student's quick grade of one kata. Builds only that kata's grader (as
/// `dotnet test graders/&lt;kata&gt;` does; `dotnet test --filter` builds all thirteen), grades the code in exercises/
/// exactly as `katas grade` does, and prints the kata's feedback: the points, and every failing check with its message.
/// Exit code 0 when every check passes.
/// </summary>
public static class TestCommand
{
    public static Command Create()
    {
        var kata = CliSymbols.Kata("the kata to grade (04, 04-locked-counter or locked-counter)");
        var command = new Command("test", "grades one kata of your exercises/ (builds only its grader) and prints every failing check") { kata };
        command.SetAction(parse => Run(parse.GetRequiredValue(kata)));
        return command;
    }

    private static int Run(string kata)
    {
        var repository = KataRepository.OfThisProgram();
        var points = PointsConfig.Load(repository);
        var verdict = Scoring.BeforeGrading(repository, kata, new Submission(repository.Exercises), points.For(kata).Points)
                      ?? new KataRunner(repository, points).Run(kata, repository.Exercises, Path.Combine(repository.Root, "artifacts", "test"), restore: true);
        Console.WriteLine(Feedback.For(new SubmissionGrade("your code", [verdict], [])));
        return verdict.State == KataState.Passed ? 0 : 1;
    }
}
