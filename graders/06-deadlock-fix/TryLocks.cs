using System.Reflection;
using Katas.DeadlockFix;

namespace Katas.Graders.DeadlockFix;

/// <summary>
/// Whether the student's bank tries locks instead of waiting for them: Monitor.TryEnter, Lock.TryEnter, or
/// SemaphoreSlim.Wait with a timeout. Coyote 1.7.11 models each of them as a wait that never gives up, so a transfer that
/// tries, backs off and tries again (correct: it never waits while holding a lock) looks deadlocked to it. Then a
/// deadlock Coyote reports is no verdict, and real threads decide (see ConcurrencyCheck.DeadlockInconclusiveBecause).
/// </summary>
/// <remarks>
/// Read from the IL of the kata's own types, leaving out the controlled twin of System.Threading.Lock compiled with them
/// (graders/Katas.Grading/Twins/Lock.cs), whose TryEnter members exist whether the student calls them or not.
/// </remarks>
internal static class TryLocks
{
    private static readonly Lazy<IReadOnlyList<string>> s_calls = new(Find);

    public static IReadOnlyList<string> Calls => s_calls.Value;

    /// <summary>The reason to give ConcurrencyCheck, or null when the bank never tries a lock.</summary>
    public static string? WhyCoyoteCannotJudgeADeadlock => Calls.Count == 0
        ? null
        : $"your code uses {string.Join(" and ", Calls)}, which Coyote treats as a wait that never gives up, so a transfer " +
          "that tries a lock and backs off looks deadlocked to it";

    private static List<string> Find()
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        var assembly = typeof(Bank).Assembly;
        foreach (var type in assembly.GetTypes().Where(type => type.FullName != "System.Threading.Lock" &&
            !(type.FullName?.StartsWith("System.Threading.Lock+", StringComparison.Ordinal) ?? false)))
        {
            foreach (var method in type.GetMethods(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public |
                BindingFlags.NonPublic | BindingFlags.DeclaredOnly).Cast<MethodBase>().Concat(type.GetConstructors(
                BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)))
            {
                foreach (var called in CalledBy(method))
                {
                    var name = (called.DeclaringType?.Name, called.Name) switch
                    {
                        ("Monitor", "TryEnter") => "Monitor.TryEnter",
                        ("Lock", "TryEnter") => "Lock.TryEnter",
                        ("SemaphoreSlim", "Wait" or "WaitAsync") when called.GetParameters().Any(IsTimeout) => "SemaphoreSlim.Wait with a timeout",
                        _ => null,
                    };
                    if (name is not null)
                    {
                        found.Add(name);
                    }
                }
            }
        }

        return [.. found];
    }

    private static bool IsTimeout(ParameterInfo parameter) =>
        parameter.ParameterType == typeof(int) || parameter.ParameterType == typeof(TimeSpan);

    /// <summary>The methods a method body calls (call, callvirt and newobj operands).</summary>
    private static IEnumerable<MethodBase> CalledBy(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            yield break;
        }

        // A byte scan: an operand byte that looks like a call opcode only yields a token that fails to resolve, or a
        // method that is not one of the few names above.
        for (var i = 0; i + 4 < il.Length; i++)
        {
            if (il[i] is not (0x28 or 0x6F or 0x73))
            {
                continue;
            }

            MethodBase? called = null;
            try
            {
                called = method.Module.ResolveMethod(BitConverter.ToInt32(il, i + 1),
                    method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null,
                    method.IsGenericMethod ? method.GetGenericArguments() : null);
            }
            catch (Exception e) when (e is ArgumentException or BadImageFormatException or TypeLoadException or MissingMethodException)
            {
            }

            if (called is not null)
            {
                yield return called;
            }
        }
    }
}
