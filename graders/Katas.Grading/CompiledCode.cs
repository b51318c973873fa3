using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Katas.Grading;

/// <summary>A method or property the student's compiled code calls on a type of another assembly.</summary>
/// <param name="Namespace">After the build's `coyote rewrite`, calls Coyote controls point at its own
/// types of the same name in Microsoft.Coyote.Rewriting.Types.*; the calls still in System.* are the
/// ones it does not control.</param>
public sealed record CalledMember(string Namespace, string Type, string Name, int ParameterCount)
{
    public string TypeFullName => Namespace.Length == 0 ? Type : $"{Namespace}.{Type}";
}

/// <summary>
/// Reads what the student's compiled (and rewritten) assembly uses, from its metadata: no code of
/// the student's runs. Graders use it to explain a verdict before or after running the code.
/// </summary>
public sealed class CompiledCode
{
    private CompiledCode(IReadOnlyList<string> referencedTypes, IReadOnlyList<CalledMember> calledMembers, bool hasSynchronizedMethods)
    {
        ReferencedTypes = referencedTypes;
        CalledMembers = calledMembers;
        HasSynchronizedMethods = hasSynchronizedMethods;
    }

    /// <summary>Full names of the types of other assemblies that the code mentions ("System.Threading.Lock").</summary>
    public IReadOnlyList<string> ReferencedTypes { get; }

    public IReadOnlyList<CalledMember> CalledMembers { get; }

    /// <summary>Whether a method is marked [MethodImpl(MethodImplOptions.Synchronized)].</summary>
    public bool HasSynchronizedMethods { get; }

    /// <summary>The compiled code of the assembly that holds <paramref name="kataType"/>.</summary>
    public static CompiledCode Of(Type kataType) => Of(kataType.Assembly);

    public static CompiledCode Of(Assembly assembly)
    {
        using var stream = File.OpenRead(assembly.Location);
        using var pe = new PEReader(stream);
        var md = pe.GetMetadataReader();

        var types = md.TypeReferences.Select(handle => FullName(md, md.GetTypeReference(handle))).ToList();
        var members = new List<CalledMember>();
        foreach (var handle in md.MemberReferences)
        {
            var member = md.GetMemberReference(handle);
            if (member.Parent.Kind == HandleKind.TypeReference)
            {
                var parent = md.GetTypeReference((TypeReferenceHandle)member.Parent);
                members.Add(new CalledMember(
                    md.GetString(parent.Namespace), md.GetString(parent.Name), md.GetString(member.Name), ParameterCount(md, member)));
            }
        }

        var synchronized = md.MethodDefinitions.Any(handle =>
            (md.GetMethodDefinition(handle).ImplAttributes & MethodImplAttributes.Synchronized) != 0);
        return new CompiledCode(types, members, synchronized);
    }

    private static string FullName(MetadataReader md, TypeReference type)
    {
        var name = md.GetString(type.Name);
        if (type.ResolutionScope.Kind == HandleKind.TypeReference)
        {
            // A nested type: its namespace is its declaring type's.
            return FullName(md, md.GetTypeReference((TypeReferenceHandle)type.ResolutionScope)) + "+" + name;
        }

        var ns = md.GetString(type.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    private static int ParameterCount(MetadataReader md, MemberReference member)
    {
        var signature = md.GetBlobReader(member.Signature);
        var header = signature.ReadSignatureHeader();
        if (header.Kind != SignatureKind.Method)
        {
            return 0;
        }

        if (header.IsGeneric)
        {
            signature.ReadCompressedInteger();
        }

        return signature.ReadCompressedInteger();
    }
}
