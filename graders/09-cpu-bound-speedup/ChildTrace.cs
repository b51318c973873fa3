using Katas.CpuBoundSpeedup;

namespace Katas.Graders.CpuBoundSpeedup;

/// <summary>
/// What the child processes noted: Program's count mode appends "pid start end" to the file named by
/// <see cref="Program.TraceFileVariable"/>, which children inherit from the test process's environment.
/// </summary>
internal sealed class ChildTrace : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"katas-count-{Guid.NewGuid():N}.trace");

    public ChildTrace() => Environment.SetEnvironmentVariable(Program.TraceFileVariable, _file);

    public IReadOnlyList<CountingSpan> Read()
    {
        if (!File.Exists(_file))
        {
            return [];
        }

        return
        [
            .. File.ReadAllLines(_file)
                .Select(line => line.Split(' '))
                .Where(parts => parts.Length == 3)
                .Select(parts => new CountingSpan(int.Parse(parts[0]), new DateTime(long.Parse(parts[1])), new DateTime(long.Parse(parts[2]))))
                .OrderBy(span => span.Started),
        ];
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(Program.TraceFileVariable, null);
        File.Delete(_file);
    }
}

/// <summary>When one child process counted (UTC, comparable across processes).</summary>
internal sealed record CountingSpan(int ProcessId, DateTime Started, DateTime Finished);
