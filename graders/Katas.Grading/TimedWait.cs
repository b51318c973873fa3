namespace Katas.Grading;

/// <summary>
/// Waits with a timeout in the student's compiled code. Coyote does not model time: under its scheduler
/// Monitor.TryEnter(obj, timeout) or SemaphoreSlim.Wait(timeout) simply waits, so code that gives up after
/// a timeout on real threads shows up in a Coyote run as waiting forever. A deadlock message must say so.
/// </summary>
public static class TimedWait
{
    /// <summary>The timed waits the code calls, as the student wrote them ("Monitor.TryEnter").</summary>
    public static IReadOnlyList<string> FindIn(Type kataType) => CompiledCode.Of(kataType).CalledMembers
        .Where(member => member.Namespace is "System.Threading" or "Microsoft.Coyote.Rewriting.Types.Threading")
        .Where(member => (member.Type, member.Name) switch
        {
            ("Monitor", "TryEnter") => true,
            ("SemaphoreSlim", "Wait") => member.ParameterCount > 0,
            _ => false,
        })
        .Select(member => $"{member.Type}.{member.Name}")
        .Distinct()
        .Order(StringComparer.Ordinal)
        .ToList();

    /// <summary>A note for a deadlock message when the code waits with timeouts; empty otherwise.</summary>
    /// <param name="onRealThreads">What giving up does on real threads, in the kata's terms.</param>
    public static string NoteFor(Type kataType, string onRealThreads)
    {
        var waits = FindIn(kataType);
        return waits.Count == 0
            ? ""
            : $"\nNote: your code uses {string.Join(" and ", waits)} with a timeout. Coyote does not model time, so in these " +
              $"runs a wait with a timeout never gives up: it counts as waiting forever. On real threads it gives up after " +
              $"the timeout instead: {onRealThreads}";
    }
}
