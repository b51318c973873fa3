using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Katas.Cli;

/// <param name="Name">The check's name: its method's, or a [TestCase]'s own TestName. Cases without a name of their own
/// ("Check(3, 6)") are results of the check their method names.</param>
/// <param name="Weight">How much it counts among its kata's checks.</param>
/// <param name="Core">Whether it holds the property the kata exists to teach (Katas.Grading's [Core]).</param>
/// <param name="FromSource">A [TestCaseSource] method: its cases get their names when the grader runs, so each of its
/// results is a check of its own, with this weight.</param>
public sealed record GraderCheck(string Name, int Weight, bool Core, bool FromSource = false);

/// <summary>
/// The checks of a built grader and their weights, read from the grader assembly's metadata (its [Test] methods and
/// Katas.Grading's [Core] and [Weight] attributes) without loading it: the weights live next to the checks, in the
/// grader's source, never in a table that can drift from them.
/// </summary>
public static class GraderChecks
{
    public const int DefaultWeight = 1;
    public const int DefaultCoreWeight = 2;

    private static readonly HashSet<string> s_testAttributes =
        ["NUnit.Framework.TestAttribute", "NUnit.Framework.TestCaseAttribute", "NUnit.Framework.TestCaseSourceAttribute"];

    public static IReadOnlyList<GraderCheck> Read(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var checks = new Dictionary<string, GraderCheck>(StringComparer.Ordinal);
        foreach (var typeHandle in metadata.TypeDefinitions)
        {
            foreach (var methodHandle in metadata.GetTypeDefinition(typeHandle).GetMethods())
            {
                var method = metadata.GetMethodDefinition(methodHandle);
                bool core = false, unnamed = false, fromSource = false;
                int? weight = null;
                var caseNames = new List<string>();
                foreach (var attributeHandle in method.GetCustomAttributes())
                {
                    var attribute = metadata.GetCustomAttribute(attributeHandle);
                    switch (AttributeTypeName(metadata, attribute))
                    {
                        case var name when s_testAttributes.Contains(name):
                            fromSource |= name == "NUnit.Framework.TestCaseSourceAttribute";
                            if (CaseName(attribute) is { } caseName)
                            {
                                caseNames.Add(caseName);
                            }
                            else
                            {
                                unnamed = true;
                            }

                            break;
                        case "Katas.Grading.CoreAttribute":
                            core = true;
                            break;
                        case "Katas.Grading.WeightAttribute":
                            weight = (int)attribute.DecodeValue(new AttributeArguments()).FixedArguments[0].Value!;
                            break;
                    }
                }

                if (unnamed || caseNames.Count > 0)
                {
                    // A [TestCase(..., TestName = "...")] is a check of its own (the README's table names it so), with its method's weight.
                    foreach (var name in unnamed ? [.. caseNames, metadata.GetString(method.Name)] : caseNames)
                    {
                        checks[name] = new GraderCheck(name, weight ?? (core ? DefaultCoreWeight : DefaultWeight), core, fromSource);
                    }
                }
            }
        }

        return [.. checks.Values.OrderBy(check => check.Name, StringComparer.Ordinal)];
    }

    /// <summary>A [TestCase]'s TestName, or null (no name of its own, or arguments this reader cannot decode).</summary>
    private static string? CaseName(CustomAttribute attribute)
    {
        try
        {
            return attribute.DecodeValue(new AttributeArguments()).NamedArguments
                .Where(argument => argument.Name == "TestName").Select(argument => argument.Value as string).FirstOrDefault();
        }
        catch (Exception e) when (e is BadImageFormatException or InvalidOperationException or ArgumentException)
        {
            return null;
        }
    }

    private static string AttributeTypeName(MetadataReader metadata, CustomAttribute attribute)
    {
        var type = attribute.Constructor.Kind switch
        {
            HandleKind.MemberReference => metadata.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent,
            HandleKind.MethodDefinition => metadata.GetMethodDefinition((MethodDefinitionHandle)attribute.Constructor).GetDeclaringType(),
            _ => default,
        };
        return type.Kind switch
        {
            HandleKind.TypeReference when metadata.GetTypeReference((TypeReferenceHandle)type) is var reference =>
                $"{metadata.GetString(reference.Namespace)}.{metadata.GetString(reference.Name)}",
            HandleKind.TypeDefinition when metadata.GetTypeDefinition((TypeDefinitionHandle)type) is var definition =>
                $"{metadata.GetString(definition.Namespace)}.{metadata.GetString(definition.Name)}",
            _ => "",
        };
    }

    /// <summary>Enough of a type provider to decode [Weight(n)]'s int and [TestCase]'s TestName (enums taken as int).</summary>
    private sealed class AttributeArguments : ICustomAttributeTypeProvider<Type>
    {
        public Type GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode == PrimitiveTypeCode.Int32 ? typeof(int) : typeof(object);
        public Type GetSystemType() => typeof(Type);
        public Type GetSZArrayType(Type elementType) => elementType.MakeArrayType();
        public Type GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => typeof(object);
        public Type GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => typeof(object);
        public Type GetTypeFromSerializedName(string name) => typeof(object);
        public PrimitiveTypeCode GetUnderlyingEnumType(Type type) => PrimitiveTypeCode.Int32;
        public bool IsSystemType(Type type) => type == typeof(Type);
    }
}
