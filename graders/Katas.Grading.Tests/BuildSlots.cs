using System.Collections.Concurrent;

[assembly: LevelOfParallelism(2)]

namespace Katas.Grading.Tests;

/// <summary>
/// Build folders for grader runs, one per run in flight. Two runs at once on a 2-core CI machine: measured on the 73
/// known-right fixtures, three at once took 11 min 7 s (load average 13; the checks' own time summed to 1,211 s, as
/// Coyote's thread hand-offs and the stress runs wait for a core), two at once 10 min 19 s (checks 836 s). A third run
/// only made every check slower, and timing checks closer to their margins. Each keeps its folder between runs,
/// so every build after the first is incremental. A slot is restored once, for the whole solution, when
/// first used; every run in it then skips restore.
/// </summary>
internal static class BuildSlots
{
    private const int SlotCount = 2;
    private static readonly SemaphoreSlim s_free = new(SlotCount, SlotCount);
    private static readonly ConcurrentDictionary<string, bool> s_restored = new();
    // KATAS_GRADER_RUNS gives a run of this suite build folders of its own, for two runs at once on one clone.
    private static readonly string s_root = Environment.GetEnvironmentVariable("KATAS_GRADER_RUNS") is { Length: > 0 } root
        ? Path.GetFullPath(root)
        : Path.Combine(Repository.Root, "artifacts", "grader-runs");

    private static readonly ConcurrentQueue<string> s_slots = new(Enumerable.Range(1, SlotCount)
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
