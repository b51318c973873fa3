namespace Katas.Cli;

/// <summary>
/// How the commands of graded runs start: in the <see cref="Sandbox"/> when there is one, with the worker's folders as the
/// only writable ones; directly otherwise (a student's own `katas test`, GitHub Classroom's throwaway runner).
/// </summary>
/// <param name="writable">The worker's workspace, its code folder and its results folder.</param>
public sealed class GradedCommands(Sandbox? sandbox, IReadOnlyList<string> writable)
{
    public static GradedCommands Direct { get; } = new(null, []);

    public Sandbox? Sandbox => sandbox;

    /// <param name="readOnly">More folders a sandboxed command may read (NuGet folders a restore recorded).</param>
    public CommandResult Dotnet(IReadOnlyList<string> arguments, string workingDirectory, TimeSpan limit,
        IReadOnlyDictionary<string, string>? environment = null, Action<string>? line = null, IReadOnlyList<string>? readOnly = null) =>
        sandbox is null
            ? DotnetCommand.Run(arguments, workingDirectory, limit, environment, line)
            : sandbox.Run("dotnet", arguments, workingDirectory, limit, writable, readOnly, environment, line);
}
