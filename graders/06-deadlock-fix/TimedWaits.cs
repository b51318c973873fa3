using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Katas.Graders.DeadlockFix;

/// <summary>
/// Waits with a timeout in the student's compiled code. Coyote does not model time: under its scheduler
/// Monitor.TryEnter(obj, timeout) simply waits for the lock, so code that gives up after a timeout on real
/// threads shows up in a Coyote run as a deadlock. A deadlock message must say so, or it would describe
/// code that, on real threads, refuses transfers rather than hanging.
/// </summary>
internal static class TimedWaits
{
    private const string SystemThreading = "System.Threading";

    // After the build, `coyote rewrite` points the calls it controls at its own types of the same name.
    private const string CoyoteThreading = "Microsoft.Coyote.Rewriting.Types.Threading";

    /// <summary>The timed waits the kata's assembly calls, as the student wrote them ("Monitor.TryEnter").</summary>
    public static IReadOnlyList<string> FindIn(Type kataType)
    {
        using var stream = File.OpenRead(kataType.Assembly.Location);
        using var pe = new PEReader(stream);
        var md = pe.GetMetadataReader();
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var handle in md.MemberReferences)
        {
            var member = md.GetMemberReference(handle);
            if (member.Parent.Kind != HandleKind.TypeReference)
            {
                continue;
            }

            var parent = md.GetTypeReference((TypeReferenceHandle)member.Parent);
            if (md.GetString(parent.Namespace) is not (SystemThreading or CoyoteThreading))
            {
                continue;
            }

            var type = md.GetString(parent.Name);
            var name = md.GetString(member.Name);
            var isTimed = (type, name) switch
            {
                ("Monitor", "TryEnter") => true,
                ("SemaphoreSlim", "Wait") => ParameterCount(md, member) > 0,
                _ => false,
            };
            if (isTimed)
            {
                found.Add($"{type}.{name}");
            }
        }

        return [.. found];
    }

    /// <summary>The sentence to add to a deadlock message when the code waits with timeouts; empty otherwise.</summary>
    public static string NoteFor(Type kataType)
    {
        var waits = FindIn(kataType);
        return waits.Count == 0
            ? ""
            : $"\nNote: your code uses {string.Join(" and ", waits)} with a timeout. Coyote does not model time, so in these " +
              "runs a wait with a timeout never gives up: it counts as waiting forever. On real threads it gives up after " +
              "the timeout instead, and the transfer is refused although the money is there (a lost payment, not a hang). " +
              "The cause is the same either way: two threads take the same locks in different orders. A timeout turns the " +
              "deadlock into lost payments; one fixed order removes it.";
    }

    private static int ParameterCount(MetadataReader md, MemberReference member)
    {
        var signature = md.GetBlobReader(member.Signature);
        var header = signature.ReadSignatureHeader();
        if (header.IsGeneric)
        {
            signature.ReadCompressedInteger();
        }

        return signature.ReadCompressedInteger();
    }
}
