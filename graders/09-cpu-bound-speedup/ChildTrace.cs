using Katas.CpuBoundSpeedup;

namespace Katas.Graders.CpuBoundSpeedup;

/// <summary>
/// What the child processes noted: Program's count mode writes "pid start end" to its own file in the folder named by
/// <see cref="Program.TraceFolderVariable"/>, which children inherit from the test process's environment. One file per
/// child: three children appending to one file at the same moment lost a line in CI (appends are not atomic across processes).
/// </summary>
internal sealed class ChildTrace : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("katas-count-").FullName;

    public ChildTrace() => Environment.SetEnvironmentVariable(Program.TraceFolderVariable, _folder);

    public IReadOnlyList<CountingSpan> Read() =>
    [
        .. Directory.GetFiles(_folder, "*.trace").SelectMany(File.ReadAllLines)
            .Select(line => line.Split(' '))
            .Where(parts => parts.Length == 3)
            .Select(parts => new CountingSpan(int.Parse(parts[0]), new DateTime(long.Parse(parts[1])), new DateTime(long.Parse(parts[2]))))
            .OrderBy(span => span.Started),
    ];

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(Program.TraceFolderVariable, null);
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A child the check gave up on may still be writing its note; the temp folder can stay.
        }
    }
}

/// <summary>When one child process counted (UTC, comparable across processes).</summary>
internal sealed record CountingSpan(int ProcessId, DateTime Started, DateTime Finished);
