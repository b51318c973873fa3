using Katas.Cli;

// `dotnet run --project tools/Katas.Cli -- <command>`; see Usage below and README.md.
const string Usage = $"""
    katas: grading and Classroom tools for Parallel Katas

    Students:
      katas status                 which katas pass, which fail (and why), which to do next
      katas hint <kata> [<n>]      the next hint for a kata (or hint n); --ru for Russian, --all for every hint

    Teachers:
    {GradeCommand.Usage}
      katas generate [--check]     writes the GitHub Classroom workflow and the stub checksums from
                                   graders/points.json; --check only says whether they are up to date
    {MergeCommand.Usage}
    {ClassroomStepCommand.Usage}
    {GradescopeCommand.Usage}
      katas template <folder>      exports the student template repository (everything but solutions/ and the
                                   graders' fixtures) for a GitHub Classroom assignment
    """;

try
{
    return args switch
    {
        ["grade", .. var rest] => GradeCommand.Run(new CommandLine(rest)),
        ["merge", .. var rest] => MergeCommand.Run(new CommandLine(rest)),
        ["gradescope", .. var rest] => GradescopeCommand.Package(new CommandLine(rest)),
        ["gradescope-run", .. var rest] => GradescopeCommand.Run(new CommandLine(rest)),
        ["classroom-step", .. var rest] => ClassroomStepCommand.Run(new CommandLine(rest, "no-build")),
        ["generate", .. var rest] => GenerateCommand.Run(new CommandLine(rest, "check")),
        ["template", .. var rest] => TemplateCommand.Run(new CommandLine(rest, "force")),
        ["status", .. var rest] => StatusCommand.Run(new CommandLine(rest)),
        ["hint", .. var rest] => HintCommand.Run(new CommandLine(rest, "ru", "all")),
        [] or ["help" or "--help" or "-h", ..] => Help(),
        _ => throw new UsageException($"Unknown command '{args[0]}'. Run `katas help`."),
    };
}
catch (UsageException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

int Help()
{
    Console.WriteLine(Usage);
    return 0;
}
