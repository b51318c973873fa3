using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Katas.Grading;

/// <summary>A method or property the student's compiled code calls on a type of another assembly.</summary>
/// <param name="Namespace">After the build's `coyote rewrite`, calls Coyote controls point at its own
/// types of the same name in Microsoft.Coyote.Rewriting.Types.*; the calls still in System.* are the
/// ones it does not control.</param>
public sealed record CalledMember(string Namespace, string Type, string Name, int ParameterCount)
{
    public string TypeFullName => Namespace.Length == 0 ? Type : $"{Namespace}.{Type}";

    /// <summary>
    /// Whether the call is on a controlled twin compiled into the graded assembly (graders/Katas.Grading/Twins/), which
    /// stands in for the framework type of that name: Coyote controls what it does.
    /// </summary>
    public bool OnTwin { get; init; }
}

/// <summary>
/// Reads what the student's compiled (and rewritten) code uses, from its IL: no code of the student's
/// runs. Graders use it to explain a verdict before or after running the code.
/// </summary>
/// <remarks>
/// Only the code reachable from the graded type counts: its methods, the closures and state machines
/// the compiler nested in it, and the types of the same assembly that it calls. A kata with two parts
/// (a Monitor-based buffer and a BlockingCollection pipeline) must not have one part graded by the
/// other part's choices.
/// </remarks>
public sealed class CompiledCode
{
    private static readonly Dictionary<short, OperandType> s_operands = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(field => (OpCode)field.GetValue(null)!)
        .ToDictionary(code => code.Value, code => code.OperandType);

    private readonly HashSet<string> _types = new(StringComparer.Ordinal);
    private readonly List<CalledMember> _members = [];

    private CompiledCode()
    {
    }

    /// <summary>Full names of the types of other assemblies that the code uses ("System.Threading.Lock").</summary>
    public IReadOnlyCollection<string> ReferencedTypes => _types;

    public IReadOnlyList<CalledMember> CalledMembers => _members;

    /// <summary>
    /// Full names of the controlled twins of the graded assembly that the code calls ("System.Threading.Channels.Channel"):
    /// a call on one of them is a call on a type Coyote controls, unlike a call on the runtime's type of that name.
    /// </summary>
    public IReadOnlyCollection<string> CalledTwins =>
        _members.Where(member => member.OnTwin).Select(member => member.TypeFullName).ToHashSet(StringComparer.Ordinal);

    /// <summary>Whether a method is marked [MethodImpl(MethodImplOptions.Synchronized)].</summary>
    public bool HasSynchronizedMethods { get; private set; }

    /// <summary>The code reachable from <paramref name="kataType"/> (a generic type may be open or closed).</summary>
    public static CompiledCode Of(Type kataType)
    {
        var definition = kataType.IsGenericType ? kataType.GetGenericTypeDefinition() : kataType;
        using var stream = File.OpenRead(definition.Assembly.Location);
        using var pe = new PEReader(stream);
        var md = pe.GetMetadataReader();
        var code = new CompiledCode();
        code.Walk(pe, md, MetadataTokens.TypeDefinitionHandle(definition.MetadataToken));
        return code;
    }

    private void Walk(PEReader pe, MetadataReader md, TypeDefinitionHandle start)
    {
        var seen = new HashSet<TypeDefinitionHandle>();
        var pending = new Queue<TypeDefinitionHandle>([start]);
        while (pending.TryDequeue(out var handle))
        {
            if (!seen.Add(handle) || IsTwin(md, handle))
            {
                continue;
            }

            var type = md.GetTypeDefinition(handle);
            foreach (var nested in type.GetNestedTypes())
            {
                pending.Enqueue(nested);
            }

            foreach (var methodHandle in type.GetMethods())
            {
                var method = md.GetMethodDefinition(methodHandle);
                HasSynchronizedMethods |= (method.ImplAttributes & MethodImplAttributes.Synchronized) != 0;
                if (method.RelativeVirtualAddress == 0)
                {
                    continue;
                }

                foreach (var token in Tokens(pe.GetMethodBody(method.RelativeVirtualAddress).GetILReader()))
                {
                    Visit(md, token, pending);
                }
            }
        }
    }

    private void Visit(MetadataReader md, EntityHandle token, Queue<TypeDefinitionHandle> pending)
    {
        switch (token.Kind)
        {
            case HandleKind.MethodDefinition:
                var called = md.GetMethodDefinition((MethodDefinitionHandle)token);
                var declaring = called.GetDeclaringType();
                if (IsTwin(md, declaring))
                {
                    // A call on a controlled twin is a call on the framework type the student wrote, not code of theirs:
                    // what the twin itself calls (Monitor.Wait with a time-out, a clock) is none of the student's doing.
                    var twin = md.GetTypeDefinition(declaring);
                    _members.Add(new CalledMember(md.GetString(twin.Namespace), md.GetString(twin.Name), md.GetString(called.Name),
                        ParameterCount(md.GetBlobReader(called.Signature)))
                    { OnTwin = true });
                }

                pending.Enqueue(declaring);
                break;
            case HandleKind.FieldDefinition:
                pending.Enqueue(md.GetFieldDefinition((FieldDefinitionHandle)token).GetDeclaringType());
                break;
            case HandleKind.TypeDefinition:
                pending.Enqueue((TypeDefinitionHandle)token);
                break;
            case HandleKind.MethodSpecification:
                Visit(md, md.GetMethodSpecification((MethodSpecificationHandle)token).Method, pending);
                break;
            case HandleKind.TypeReference:
                _types.Add(FullName(md, (TypeReferenceHandle)token));
                break;
            case HandleKind.TypeSpecification when GenericTypeOf(md, (TypeSpecificationHandle)token) is { } generic:
                Visit(md, generic, pending);
                break;
            case HandleKind.MemberReference:
                var member = md.GetMemberReference((MemberReferenceHandle)token);
                var parent = member.Parent.Kind switch
                {
                    HandleKind.TypeReference => (TypeReferenceHandle)member.Parent,
                    HandleKind.TypeSpecification => GenericTypeOf(md, (TypeSpecificationHandle)member.Parent) is { Kind: HandleKind.TypeReference } generic
                        ? (TypeReferenceHandle)generic
                        : default,
                    _ => default,
                };
                if (!parent.IsNil)
                {
                    var parentType = md.GetTypeReference(parent);
                    _types.Add(FullName(md, parent));
                    _members.Add(new CalledMember(md.GetString(parentType.Namespace), md.GetString(parentType.Name),
                        md.GetString(member.Name), ParameterCount(md, member)));
                }

                break;
        }
    }

    /// <summary>The metadata tokens in a method body's IL (calls, field and type operands).</summary>
    private static IEnumerable<EntityHandle> Tokens(BlobReader il)
    {
        var tokens = new List<EntityHandle>();
        while (il.RemainingBytes > 0)
        {
            short value = il.ReadByte();
            if (value == 0xFE)
            {
                value = unchecked((short)(0xFE00 | il.ReadByte()));
            }

            switch (s_operands[value])
            {
                case OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok:
                    var handle = MetadataTokens.EntityHandle(il.ReadInt32());
                    tokens.Add(handle);
                    break;
                case OperandType.InlineSwitch:
                    il.Offset += 4 * il.ReadInt32();
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    il.Offset += 8;
                    break;
                case OperandType.InlineBrTarget or OperandType.InlineI or OperandType.InlineSig or OperandType.InlineString or OperandType.ShortInlineR:
                    il.Offset += 4;
                    break;
                case OperandType.InlineVar:
                    il.Offset += 2;
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    il.Offset += 1;
                    break;
            }
        }

        return tokens;
    }

    /// <summary>For List&lt;int&gt; and the like: the generic type itself (List`1), or null.</summary>
    private static EntityHandle? GenericTypeOf(MetadataReader md, TypeSpecificationHandle handle)
    {
        var blob = md.GetBlobReader(md.GetTypeSpecification(handle).Signature);
        if (blob.ReadSignatureTypeCode() != SignatureTypeCode.GenericTypeInstance)
        {
            return null;
        }

        blob.ReadSignatureTypeCode();
        return blob.ReadTypeHandle();
    }

    private static string FullName(MetadataReader md, TypeReferenceHandle handle)
    {
        var type = md.GetTypeReference(handle);
        var name = md.GetString(type.Name);
        if (type.ResolutionScope.Kind == HandleKind.TypeReference)
        {
            // A nested type: its namespace is its declaring type's.
            return FullName(md, (TypeReferenceHandle)type.ResolutionScope) + "+" + name;
        }

        var ns = md.GetString(type.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    /// <summary>
    /// Whether a type of the graded assembly is one of the controlled twins the build compiles into it
    /// (graders/Katas.Grading/Twins/): a type in a System namespace, or nested in one. Its code is the grader's.
    /// </summary>
    private static bool IsTwin(MetadataReader md, TypeDefinitionHandle handle)
    {
        var type = md.GetTypeDefinition(handle);
        while (type.GetDeclaringType() is { IsNil: false } outer)
        {
            type = md.GetTypeDefinition(outer);
        }

        var ns = md.GetString(type.Namespace);
        return ns == "System" || ns.StartsWith("System.", StringComparison.Ordinal);
    }

    private static int ParameterCount(MetadataReader md, MemberReference member) => ParameterCount(md.GetBlobReader(member.Signature));

    private static int ParameterCount(BlobReader signature)
    {
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
