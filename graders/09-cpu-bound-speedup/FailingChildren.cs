using Katas.CpuBoundSpeedup;

namespace Katas.Graders.CpuBoundSpeedup;

/// <summary>
/// Makes some of the children that InProcesses starts fail, without changing the kata's program: while it lives, every
/// `dotnet` child of this process loads <see cref="StartupHook"/> (DOTNET_STARTUP_HOOKS) before Main. The first
/// <c>failing</c> children to get there print what a good child prints, then exit with code 3: only the exit code tells.
/// </summary>
internal sealed class FailingChildren : IDisposable
{
    /// <summary>"&lt;how many fail&gt;;&lt;what they print&gt;", read by the hook in the children.</summary>
    public const string Variable = "KATAS_COUNT_FAILING";
    public const int ExitCode = 3;
    private const string HooksVariable = "DOTNET_STARTUP_HOOKS";

    private readonly string? _hooksBefore = Environment.GetEnvironmentVariable(HooksVariable);

    /// <param name="trace">Where the children take their turns and note that they failed.</param>
    public FailingChildren(ChildTrace trace, int failing, string printed)
    {
        ArgumentNullException.ThrowIfNull(trace);
        // The hook runs from this very assembly: from the unrewritten copy when the check runs on real threads, which
        // needs nothing but the framework.
        Environment.SetEnvironmentVariable(HooksVariable, typeof(StartupHook).Assembly.Location);
        Environment.SetEnvironmentVariable(Variable, $"{failing};{printed}");
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(Variable, null);
        Environment.SetEnvironmentVariable(HooksVariable, _hooksBefore);
    }
}
