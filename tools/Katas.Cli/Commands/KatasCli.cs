using System.CommandLine;

namespace Katas.Cli;

/// <summary>
/// The `katas` command line: one <see cref="Command"/> per file in this folder, parsed by System.CommandLine. A mistake
/// in how a command was called (an unknown option, a bad value, a missing argument, a misspelt kata) is an error with
/// exit code 2 and the command's usage; nothing is silently ignored or replaced by a default.
/// </summary>
public static class KatasCli
{
    public static RootCommand Root() => new("katas: grading and Classroom tools for Parallel Katas. Students: status, test, hint. Teachers: the rest.")
    {
        StatusCommand.Create(),
        TestCommand.Create(),
        HintCommand.Create(),
        GradeCommand.Create(),
        MergeCommand.Create(),
        GenerateCommand.Create(),
        TemplateCommand.Create(),
        ClassroomStepCommand.Create(),
        GradescopeCommand.Create(),
        GradescopeRunCommand.Create(),
        ExportCommand.Create(),
    };

    public static int Run(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        var root = Root();
        // `katas` alone, or `katas help`: what there is to do.
        var parse = root.Parse(args is [] or ["help"] ? ["--help"] : args);
        var configuration = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        if (parse.Errors.Count > 0)
        {
            foreach (var problem in parse.Errors)
            {
                error.WriteLine(problem.Message);
            }

            var command = parse.CommandResult.Command;
            error.WriteLine();
            var usage = root.Parse(command == root ? ["--help"] : [command.Name, "--help"]);
            usage.Invoke(new InvocationConfiguration { Output = error, Error = error });
            return 2;
        }

        try
        {
            return parse.Invoke(configuration);
        }
        catch (UsageException e)
        {
            error.WriteLine(e.Message);
            return 2;
        }
    }
}
