using Katas.CpuBoundSpeedup;

namespace Katas.Graders.CpuBoundSpeedup;

/// <summary>
/// What the child processes noted: Program's count mode writes "pid start end" to its own file in the folder named by
/// <see cref="Program.TraceFolderVariable"/>, which children inherit from the test process's environment (a child the
/// grader makes fail notes "pid.failed" there instead, see <see cref="FailingChildren"/>). One file per child: three
/// children appending to one file at the same moment lost a line in CI (appends are not atomic across processes).
/// </summary>
internal sealed class ChildTrace : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("katas-count-").FullName;

    public ChildTrace() => Environment.SetEnvironmentVariable(Program.TraceFolderVariable, _folder);

    public string Folder => _folder;

    public IReadOnlyList<CountingSpan> Read() =>
    [
        .. Directory.GetFiles(_folder, "*.trace").SelectMany(File.ReadAllLines)
            .Select(line => line.Split(' '))
            .Where(parts => parts.Length == 3)
            .Select(parts => new CountingSpan(int.Parse(parts[0]), new DateTime(long.Parse(parts[1])), new DateTime(long.Parse(parts[2]))))
            .OrderBy(span => span.Started),
    ];

    /// <summary>The process ids of the children the grader made fail.</summary>
    public IReadOnlyList<int> Failed() =>
        [.. Directory.GetFiles(_folder, "*.failed").Select(file => int.Parse(Path.GetFileNameWithoutExtension(file)))];

    /// <summary>Every child that got as far as noting itself: counted, or failed on purpose.</summary>
    public IReadOnlyList<int> Children() => [.. Read().Select(span => span.ProcessId).Concat(Failed()).Distinct()];

    /// <summary>
    /// Waits until <paramref name="count"/> children have noted themselves (code that threw at its first failed child may
    /// leave the others still starting), or <paramref name="limit"/> has passed; returns those that did.
    /// </summary>
    public IReadOnlyList<int> WaitForChildren(int count, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        IReadOnlyList<int> children;
        while ((children = Children()).Count < count && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(20);
        }

        return children;
    }

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
