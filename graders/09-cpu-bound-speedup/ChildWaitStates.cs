using System.Collections;
using System.Diagnostics;
using System.Reflection;

namespace Katas.Graders.CpuBoundSpeedup;

/// <summary>
/// Whether the Process objects for some children were disposed. Nothing public tells: on Linux, after ReadToEnd and
/// WaitForExit, a disposed and an undisposed Process differ only in the runtime's table of child wait states
/// (System.Diagnostics.ProcessWaitState.s_childProcessWaitStates, private). A child's entry leaves the table once the
/// child has been reaped and its Process disposed, in either order; an undisposed Process keeps the entry of a reaped
/// child until the garbage collector finalizes the object (measured on .NET 10). Read by reflection, under the lock the
/// runtime takes on the table; where the table is not there, the check is skipped.
/// </summary>
internal static class ChildWaitStates
{
    private static readonly Type? s_state = typeof(Process).Assembly.GetType("System.Diagnostics.ProcessWaitState");
    private static readonly FieldInfo? s_exited = s_state?.GetField("_exited", BindingFlags.Instance | BindingFlags.NonPublic);
    private static readonly IDictionary? s_table = OperatingSystem.IsLinux() && s_exited?.FieldType == typeof(bool)
        ? s_state?.GetField("s_childProcessWaitStates", BindingFlags.Static | BindingFlags.NonPublic)?.GetValue(null) as IDictionary
        : null;

    /// <summary>Whether this runtime shows the table (Linux, and a runtime that keeps it where .NET 10 does).</summary>
    public static bool Visible => s_table is not null;

    /// <summary>
    /// The children among <paramref name="processIds"/> that have exited and been reaped, but whose Process objects still
    /// hold them: never disposed. A child not reaped within <paramref name="limit"/> (still running) is not judged.
    /// </summary>
    public static IReadOnlyList<int> Undisposed(IReadOnlyList<int> processIds, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var entries = Entries(processIds);
            // An entry that is not reaped yet may belong to a disposed Process: it leaves once the runtime reaps the child.
            if (entries.All(entry => entry.Reaped) || DateTime.UtcNow > deadline)
            {
                return [.. entries.Where(entry => entry.Reaped).Select(entry => entry.ProcessId)];
            }

            Thread.Sleep(10);
        }
    }

    private static List<(int ProcessId, bool Reaped)> Entries(IEnumerable<int> processIds)
    {
        lock (s_table!)
        {
            return [.. processIds.Where(id => s_table.Contains(id)).Select(id => (id, (bool)s_exited!.GetValue(s_table[id])!))];
        }
    }
}
