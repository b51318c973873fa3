namespace Katas.Cli;

/// <summary>
/// How the commands of graded runs start: in the <see cref="Sandbox"/> when there is one, with the worker's folders as the
/// only writable ones; directly otherwise (a student's own `katas test`, GitHub Classroom's throwaway runner). Builds and
/// checks get different sandboxes: builds share a /tmp with the worker's <see cref="CompilerServer"/>; the checks, which
/// run the submitted code, get a fresh /tmp and cannot reach the server.
/// </summary>
public sealed class GradedCommands : IDisposable
{
    private readonly Sandbox? _sandbox;
    private readonly IReadOnlyList<string> _writable;
    private readonly CompilerServer? _server;

    /// <param name="writable">The worker's workspace, its code folder and its results folder.</param>
    /// <param name="buildTmp">The /tmp of the worker's builds and compiler server (a folder of the worker's own).</param>
    public GradedCommands(Sandbox? sandbox, IReadOnlyList<string> writable, string? buildTmp = null)
    {
        _sandbox = sandbox;
        _writable = writable;
        if (sandbox is not null && buildTmp is not null && writable.Count > 0)
        {
            _server = new CompilerServer(sandbox, writable[0], buildTmp, writable);
        }
    }

    public static GradedCommands Direct { get; } = new(null, []);

    public Sandbox? Sandbox => _sandbox;

    /// <summary>
    /// What a build passes the compiler for its server: `-shared` (the SDK's own server, outside a sandbox), the worker's
    /// server's pipe, or nothing (no server could start: a fresh compiler each time, as fast in a sandbox as a server
    /// that dies with the build).
    /// </summary>
    public string? SharedCompilation => _sandbox is null ? "-shared" : _server?.EnsureRunning() == true ? $"-shared:{_server.PipeName}" : null;

    /// <summary>
    /// MSBuild's property for the same server (its Csc task and graders/Kata.Code.targets' trial compile). In the sandbox,
    /// MSBuild's nodes would die with the build anyway: none are left waiting for the next.
    public string[] BuildProperties => _sandbox is null ? []
        : _server?.EnsureRunning() == true ? ["-nodeReuse:false", $"-p:SharedCompilationId={_server.PipeName}"]
        : ["-nodeReuse:false"];

    /// <summary>A build command (compiler, MSBuild, Coyote's rewriter): it reads the submitted code but does not run it.</summary>
    public CommandResult Build(IReadOnlyList<string> arguments, string workingDirectory, TimeSpan limit,
        IReadOnlyDictionary<string, string>? environment = null, IReadOnlyList<string>? readOnly = null) =>
        _sandbox is null
            ? DotnetCommand.Run(arguments, workingDirectory, limit, environment)
            : _sandbox.Run("dotnet", arguments, workingDirectory, limit, _writable, readOnly, environment, tmp: _server?.Tmp);

    /// <summary>A command that runs the submitted code (the grader's checks).</summary>
    public CommandResult Dotnet(IReadOnlyList<string> arguments, string workingDirectory, TimeSpan limit,
        IReadOnlyDictionary<string, string>? environment = null, Action<string>? line = null) =>
        _sandbox is null
            ? DotnetCommand.Run(arguments, workingDirectory, limit, environment, line)
            : _sandbox.Run("dotnet", arguments, workingDirectory, limit, _writable, null, environment, line);

    public void Dispose() => _server?.Dispose();
}
