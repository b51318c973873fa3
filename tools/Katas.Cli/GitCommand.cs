using System.Diagnostics;

namespace Katas.Cli;

/// <summary>A read-only git query in the teacher's repository (the files it tracks, a file's committed version).</summary>
public static class GitCommand
{
    /// <summary>What git printed, or null when it failed or is not installed (a folder that is no git checkout).</summary>
    public static string? Output(string root, params string[] arguments)
    {
        var start = new ProcessStartInfo("git", arguments) { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        try
        {
            using var git = Process.Start(start)!;
            var error = git.StandardError.ReadToEndAsync();
            var output = git.StandardOutput.ReadToEnd();
            error.Wait();
            git.WaitForExit();
            return git.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
