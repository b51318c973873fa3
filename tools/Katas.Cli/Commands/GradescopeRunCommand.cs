using System.CommandLine;
using System.Diagnostics;
using System.Text;

namespace Katas.Cli;

/// <summary>
/// `katas gradescope-run`: what the package's run_autograder calls (<see cref="GradescopeCommand.RunScript"/>): one
/// submission, every kata (or --katas), graded as `katas grade` grades it, results.json as Gradescope reads it.
/// </summary>
public static class GradescopeRunCommand
{
    public static Command Create()
    {
        var submission = new Option<string>("--submission")
        {
            Description = "the student's submission",
            HelpName = "folder",
            DefaultValueFactory = _ => "/autograder/submission",
        };
        var results = new Option<string>("--results")
        {
            Description = "where Gradescope reads the results",
            HelpName = "file",
            DefaultValueFactory = _ => "/autograder/results/results.json",
        };
        var katas = CliSymbols.Katas();
        var sandbox = CliSymbols.Sandbox();
        var command = new Command("gradescope-run", "Gradescope's run_autograder: grades one submission and writes results.json") { submission, results, katas, sandbox };
        command.SetAction(parse => Run(Path.GetFullPath(parse.GetRequiredValue(submission)), Path.GetFullPath(parse.GetRequiredValue(results)), parse.GetValue(katas),
            parse.GetValue(sandbox)));
        return command;
    }

    private static int Run(string submissionFolder, string results, IReadOnlyList<string>? onlyKatas, SandboxMode sandboxMode)
    {
        // Gradescope's container is thrown away after the run, but it holds the package (the teacher's solutions, if
        // they put them there) and, on some setups, secrets in the environment: the same sandbox as a batch, when it has bwrap.
        var sandbox = CliSymbols.OpenSandbox(sandboxMode);
        var teacher = KataRepository.OfThisProgram();
        var points = PointsConfig.Load(teacher);
        var katas = onlyKatas ?? teacher.Katas;

        var clock = Stopwatch.StartNew();
        var work = Directory.CreateTempSubdirectory("katas-gradescope-").FullName;
        // Gradescope's default machine has half a core: one kata at a time.
        var grade = new BatchGrader(teacher, points, work, sandbox).Grade([new Submission(submissionFolder)], katas, workers: 1).Single();
        Directory.CreateDirectory(Path.GetDirectoryName(results)!);
        File.WriteAllText(results, GradescopeResults.For(grade, clock.Elapsed, Feedback.For(grade)), new UTF8Encoding(false));
        Console.WriteLine($"{Feedback.Number(grade.Score)} of {grade.MaxScore} points; wrote {results}");
        return 0;
    }
}
