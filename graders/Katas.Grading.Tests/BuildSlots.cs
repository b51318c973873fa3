using System.Collections.Concurrent;

[assembly: LevelOfParallelism(3)]

namespace Katas.Grading.Tests;

/// <summary>
/// Build folders for grader runs, one per run in flight. Three runs at once keep both cores of a CI machine
/// busy: a grader run is mostly single-threaded build and test start-up, and its tests spend much of their
/// time waiting (child processes starting, the graders' sleeps and server delays). Each keeps its folder between runs,
/// so every build after the first is incremental. A slot is restored once, for the whole solution, when
/// first used; every run in it then skips restore.
/// </summary>
internal static class BuildSlots
{
    private static readonly int s_count = Math.Clamp(Environment.ProcessorCount + 1, 2, 3);
    private static readonly SemaphoreSlim s_free = new(s_count, s_count);
    private static readonly ConcurrentDictionary<string, bool> s_restored = new();
    // KATAS_GRADER_RUNS gives a run of this suite build folders of its own, for two runs at once on one clone.
    private static readonly string s_root = Environment.GetEnvironmentVariable("KATAS_GRADER_RUNS") is { Length: > 0 } root
        ? Path.GetFullPath(root)
        : Path.Combine(Repository.Root, "artifacts", "grader-runs");

    private static readonly ConcurrentQueue<string> s_slots = new(Enumerable.Range(1, s_count)
        .Select(n => Path.Combine(s_root, $"slot-{n}")));

    public static T Run<T>(Func<string, T> run)
    {
        s_free.Wait();
        s_slots.TryDequeue(out var slot);
        try
        {
            if (s_restored.TryAdd(slot!, true))
            {
                GraderRun.Restore(Repository.Solution, slot!);
            }

            return run(slot!);
        }
        catch (AssertionException)
        {
            // Only a run killed at its time limit fails inside the slot. It may leave half-written outputs (a 0-byte
            // runtimeconfig.json) that the next incremental build here would take as up to date: drop the outputs,
            // keep obj/ (the restore this slot's runs rely on).
            var outputs = Path.Combine(slot!, "bin");
            if (Directory.Exists(outputs))
            {
                Directory.Delete(outputs, recursive: true);
            }

            throw;
        }
        finally
        {
            s_slots.Enqueue(slot!);
            s_free.Release();
        }
    }
}
