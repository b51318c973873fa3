using System.Diagnostics;

// A .NET startup hook (DOTNET_STARTUP_HOOKS): the runtime calls StartupHook.Initialize, in the global namespace,
// before Main. The grader names this assembly in the variable only around the checks that need a child of a given
// kind, so that the child the student's code starts is what the check needs on any machine: slow for certain
// (it sleeps before Main), exiting with a code of the grader's choice, or with a process of its own to be killed
// with it. The student's program itself is not touched.
#pragma warning disable CA1050 // The runtime looks for this class by its name, outside any namespace.
internal static class StartupHook
#pragma warning restore CA1050
{
    /// <summary>Milliseconds the child sleeps before its Main runs.</summary>
    public const string SleepVariable = "KATAS_CHILD_SLEEP_MS";

    /// <summary>The exit code the child ends with, whatever its Main returned (set when the process exits).</summary>
    public const string ExitCodeVariable = "KATAS_CHILD_EXIT_CODE";

    /// <summary>
    /// A file the child notes in: "child PID TIMESTAMP" first (Stopwatch.GetTimestamp(), the monotonic clock every process
    /// of the machine shares), "grandchild PID" when it started one, "awake" after its sleep.
    /// </summary>
    public const string NotesVariable = "KATAS_CHILD_NOTES";

    /// <summary>When "1", the child starts a process of its own (`sleep`), which a kill of the whole tree must end too.</summary>
    public const string GrandchildVariable = "KATAS_CHILD_GRANDCHILD";

    /// <summary>How long the grandchild lives if nobody kills it: far beyond any check.</summary>
    public const int GrandchildSeconds = 40;

    public static void Initialize()
    {
        var notes = Environment.GetEnvironmentVariable(NotesVariable);
        Note(notes, $"child {Environment.ProcessId} {Stopwatch.GetTimestamp()}");
        if (int.TryParse(Environment.GetEnvironmentVariable(ExitCodeVariable), out var exitCode))
        {
            // ProcessExit runs after Main has returned: the code set here is the one the process exits with.
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Environment.ExitCode = exitCode;
        }

        if (Environment.GetEnvironmentVariable(GrandchildVariable) == "1")
        {
            StartGrandchild(notes);
        }

        if (int.TryParse(Environment.GetEnvironmentVariable(SleepVariable), out var milliseconds) && milliseconds > 0)
        {
            Thread.Sleep(milliseconds);
            Note(notes, "awake");
        }
    }

    private static void StartGrandchild(string? notes)
    {
        try
        {
            // Its own pipes, so that it holds none of the child's: the student's code reading the child's output must
            // see its end when the child ends.
            var start = new ProcessStartInfo("sleep", GrandchildSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var grandchild = Process.Start(start);
            if (grandchild is not null)
            {
                Note(notes, $"grandchild {grandchild.Id}");
            }
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            // No `sleep` here (not Linux): the grader then does not check the tree.
        }
    }

    private static void Note(string? notes, string line)
    {
        if (string.IsNullOrEmpty(notes))
        {
            return;
        }

        try
        {
            File.AppendAllText(notes, line + "\n");
        }
        catch (IOException)
        {
            // The grader reads what is there; a note that could not be written leaves its check undecided.
        }
    }
}
