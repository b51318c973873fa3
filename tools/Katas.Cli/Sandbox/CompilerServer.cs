namespace Katas.Cli;

/// <summary>
/// The C# compiler server (VBCSCompiler) of one worker's sandboxed builds, itself in the sandbox. A server started by a
/// build inside the sandbox would die with that build's PID namespace, and every compile would pay a fresh compiler:
/// measured on 6 submissions x 4 katas, 196 s of builds against 54 s, the batch 230 s against 144 s. So the worker keeps
/// one server for the whole batch, in a sandbox of its own that sees what the worker's builds see; the builds find it
/// through the /tmp they share with it (the worker's build folder, never a test's /tmp) by its pipe name (`-shared:name`
/// for csc, SharedCompilationId for MSBuild). It runs no submitted code: the compiler only reads it.
/// </summary>
public sealed class CompilerServer : IDisposable
{
    private readonly Sandbox _sandbox;
    private readonly string _root;
    private readonly IReadOnlyList<string> _visible;
    private System.Diagnostics.Process? _process;

    /// <param name="tmp">The /tmp of the worker's builds, where the server's pipe is.</param>
    /// <param name="visible">The folders the builds write (the server writes their outputs).</param>
    public CompilerServer(Sandbox sandbox, string root, string tmp, IReadOnlyList<string> visible)
    {
        _sandbox = sandbox;
        _root = root;
        Tmp = tmp;
        _visible = visible;
        PipeName = $"katas-{Environment.ProcessId}-{Path.GetFileName(Path.TrimEndingDirectorySeparator(root))}";
    }

    public string PipeName { get; }

    public string Tmp { get; }

    /// <summary>Starts the server unless it runs (it also ends itself after 10 idle minutes); false when it cannot start.</summary>
    public bool EnsureRunning()
    {
        if (_process is { HasExited: false } && File.Exists(Path.Combine(Tmp, PipeName)))
        {
            return true;
        }

        Stop();
        if (ServerAssembly() is not { } server)
        {
            return false;
        }

        _process = _sandbox.Start("dotnet", ["exec", server, $"-pipename:{PipeName}"], _root, _visible, Tmp);
        // A build that found no server would start one of its own (in its own sandbox, gone with it): wait for the pipe.
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!File.Exists(Path.Combine(Tmp, PipeName)) && !_process.HasExited && DateTime.UtcNow < until)
        {
            Thread.Sleep(20);
        }

        return File.Exists(Path.Combine(Tmp, PipeName));
    }

    public void Dispose() => Stop();

    private void Stop()
    {
        if (_process is null)
        {
            return;
        }

        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Ended already.
        }

        _process.Dispose();
        _process = null;
    }

    /// <summary>VBCSCompiler.dll of the SDK that builds here (global.json's), or null when it cannot be found.</summary>
    private string? ServerAssembly()
    {
        var version = DotnetCommand.Run(["--version"], _root, TimeSpan.FromSeconds(30)).Output.Trim().Split('\n')[^1].Trim();
        var server = _sandbox.DotnetFolder is { } dotnet ? Path.Combine(dotnet, "sdk", version, "Roslyn", "bincore", "VBCSCompiler.dll") : null;
        return server is not null && File.Exists(server) ? server : null;
    }
}
