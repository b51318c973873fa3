using Katas.Grading;

namespace Katas.Graders.SemaphoreLimit;

/// <summary>
/// Whether the student's throttle could give up waiting after a while: it calls a wait with a time-out, or reads a
/// clock (a hand-made deadline), or sleeps in a loop. Such code gets watched for longer at a full throttle: a wait that
/// gives up after 5 s and goes in anyway looks right for 5 s. Read from the compiled code; nothing of the student's runs.
/// </summary>
internal static class TimedCode
{
    /// <summary>The timed calls of the code, as the student wrote them ("SemaphoreSlim.Wait(timeout)").</summary>
    public static IReadOnlyList<string> In(Type kataType) => CompiledCode.Of(kataType).CalledMembers
        .Where(member => member.Namespace.StartsWith("System", StringComparison.Ordinal) ||
            member.Namespace.StartsWith("Microsoft.Coyote.Rewriting.Types", StringComparison.Ordinal))
        .Select(Describe)
        .OfType<string>()
        .Distinct()
        .Order(StringComparer.Ordinal)
        .ToList();

    private static string? Describe(CalledMember member)
    {
        var type = member.Type.Split('`')[0];
        var name = member.Name.StartsWith("get_", StringComparison.Ordinal) ? member.Name[4..] : member.Name;
        var timed = (type, name) switch
        {
            ("SemaphoreSlim", "Wait" or "WaitAsync") => member.ParameterCount > 0,
            ("Monitor", "Wait") => member.ParameterCount > 1,
            ("Monitor" or "Lock", "TryEnter") => true,
            (_, "WaitOne") => member.ParameterCount > 0,
            ("WaitHandle", "WaitAny" or "WaitAll") => member.ParameterCount > 1,
            ("Task", "Wait") => member.ParameterCount > 0,
            ("Task", "Delay" or "WaitAsync") => true,
            ("Thread", "Join") => member.ParameterCount > 0,
            ("Thread", "Sleep") => true,
            ("SpinWait", "SpinUntil") => member.ParameterCount > 1,
            ("ManualResetEventSlim" or "CountdownEvent", "Wait") => member.ParameterCount > 0,
            ("Barrier", "SignalAndWait") => member.ParameterCount > 0,
            ("BlockingCollection", "TryAdd" or "TryTake") => member.ParameterCount > 1,
            ("Stopwatch", _) => true,
            ("DateTime" or "DateTimeOffset", "Now" or "UtcNow") => true,
            ("Environment", "TickCount" or "TickCount64") => true,
            ("TimeProvider", _) => true,
            ("CancellationTokenSource", ".ctor") => member.ParameterCount > 0,
            ("CancellationTokenSource", "CancelAfter") => true,
            _ => false,
        };
        return !timed
            ? null
            : (type, name) switch
            {
                ("Stopwatch" or "TimeProvider", _) => type,
                ("Thread", "Sleep") => "Thread.Sleep",
                ("DateTime" or "DateTimeOffset" or "Environment", _) => $"{type}.{name}",
                ("CancellationTokenSource", _) => "CancellationTokenSource with a time-out",
                _ => $"{type}.{name}(timeout)",
            };
    }
}
