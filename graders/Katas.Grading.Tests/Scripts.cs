using Katas.Cli;

namespace Katas.Grading.Tests;

/// <summary>Files, git and shell commands for tests that replay a workflow's scripts in a throwaway repository.</summary>
internal static class Scripts
{
    public static void Write(string repo, string path, string text)
    {
        var full = Path.Combine(repo, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
    }

    public static void Git(string repo, params string[] arguments) =>
        Run(repo, "git", ["-c", "user.name=Teacher", "-c", "user.email=teacher@example.org", .. arguments]);

    /// <summary>Makes <paramref name="repo"/> a git repository with everything in it committed on main.</summary>
    public static void CommitAll(string repo, string message)
    {
        Git(repo, "init", "-q", "-b", "main");
        Git(repo, "add", ".");
        Git(repo, "commit", "-q", "-m", message);
    }

    /// <summary>Runs a program (with DotnetCommand's clean environment) that must succeed within two minutes.</summary>
    public static CommandResult Run(string folder, string program, IReadOnlyList<string> arguments, params (string Name, string Value)[] environment)
    {
        var run = DotnetCommand.Run(program, arguments, folder, TimeSpan.FromMinutes(2), environment.ToDictionary(pair => pair.Name, pair => pair.Value));
        run.ExitCode.Should().Be(0, "{0} {1} must succeed: {2}", program, string.Join(' ', arguments), run.Output);
        return run;
    }
}
