// A .NET startup hook (DOTNET_STARTUP_HOOKS): the runtime calls StartupHook.Initialize, in the global namespace,
// before Main. The grader names this assembly in the variable only around A_child_that_takes_too_long_is_killed, so
// that the child it makes the student's code start is slow for certain, however fast the machine, and a solution
// that ignores its time-out is caught every time. Nothing here touches the student's program.
#pragma warning disable CA1050 // The runtime looks for this class by its name, outside any namespace.
internal static class StartupHook
#pragma warning restore CA1050
{
    /// <summary>Milliseconds the child sleeps before its Main runs.</summary>
    public const string SleepVariable = "KATAS_CHILD_SLEEP_MS";

    public static void Initialize()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable(SleepVariable), out var milliseconds) && milliseconds > 0)
        {
            Thread.Sleep(milliseconds);
        }
    }
}
