#pragma warning disable CA1050 // The runtime looks for a type named StartupHook outside any namespace.

/// <summary>
/// Runs in a child process before the kata's Main when <see cref="Katas.Graders.CpuBoundSpeedup.FailingChildren"/> names
/// this assembly in DOTNET_STARTUP_HOOKS. It touches only the framework: the child has none of the grader's packages.
/// </summary>
public static class StartupHook
{
    public static void Initialize()
    {
        if (Environment.GetEnvironmentVariable(Katas.Graders.CpuBoundSpeedup.FailingChildren.Variable) is not { Length: > 0 } setting ||
            Environment.GetEnvironmentVariable(Katas.CpuBoundSpeedup.Program.TraceFolderVariable) is not { Length: > 0 } folder)
        {
            return;
        }

        var parts = setting.Split(';', 2);
        var failing = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
        // Turns by creating ticket files: creating a file that must not exist yet is atomic across processes.
        for (var ticket = 0; ; ticket++)
        {
            try
            {
                using (File.Open(Path.Combine(folder, $"ticket-{ticket}"), FileMode.CreateNew))
                {
                }

                if (ticket >= failing)
                {
                    return;
                }

                break;
            }
            catch (IOException) when (File.Exists(Path.Combine(folder, $"ticket-{ticket}")))
            {
            }
        }

        File.WriteAllText(Path.Combine(folder, $"{Environment.ProcessId}.failed"), "");
        Console.Out.WriteLine(parts[1]);
        Console.Out.Flush();
        Console.Error.WriteLine($"This child process was made to fail by the grader: it printed a number, then exited with code {Katas.Graders.CpuBoundSpeedup.FailingChildren.ExitCode}.");
        Environment.Exit(Katas.Graders.CpuBoundSpeedup.FailingChildren.ExitCode);
    }
}
