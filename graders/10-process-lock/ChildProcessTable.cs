using System.Collections;
using System.Diagnostics;
using System.Reflection;

namespace Katas.Graders.ProcessLock;

/// <summary>
/// The child processes that the .NET runtime of this process still keeps track of because a Process object for them
/// is alive and not disposed. On Linux and macOS every Process started here registers its child in a table of the
/// runtime (System.Diagnostics.ProcessWaitState); Dispose (once the child has exited) takes it out, and nothing else
/// does: measured on .NET 10, an undisposed Process stays in it after its child exited, through a full GC too. So
/// "the children PrintAll started are no longer in the table" is "PrintAll disposed every Process". On Windows the
/// table does not exist (a Process holds a process handle there) and the check is skipped.
/// </summary>
internal static class ChildProcessTable
{
    private static readonly IDictionary? s_table = Find();

    public static bool CanTell => s_table is not null;

    /// <summary>The ones of <paramref name="processIds"/> whose Process object is still alive and not disposed.</summary>
    public static IReadOnlyList<int> StillTracked(IEnumerable<int> processIds)
    {
        if (s_table is null)
        {
            return [];
        }

        // The runtime locks the table itself while it changes it.
        lock (s_table)
        {
            return processIds.Where(id => s_table.Contains(id)).ToList();
        }
    }

    private static IDictionary? Find() =>
        typeof(Process).Assembly.GetType("System.Diagnostics.ProcessWaitState")
            ?.GetField("s_childProcessWaitStates", BindingFlags.NonPublic | BindingFlags.Static)
            ?.GetValue(null) as IDictionary;
}
