using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Katas.Mutation;

/// <summary>A source file of a kata: its path relative to the kata's folder (the mutant ids use it) and its text.</summary>
public sealed record SourceFile(string Path, string Text);

/// <summary>Makes every mutant of a kata's sources: each operator at each site where it applies.</summary>
public static class MutantGenerator
{
    /// <summary>
    /// The framework the tool runs on (net10.0, as the katas): enough to resolve Thread, Task, TimeSpan,
    /// CancellationToken and SemaphoreSlim. Generation uses only these, never the kata build's references, so the
    /// same sources give the same mutants with or without a build (--list needs none).
    /// </summary>
    public static IReadOnlyList<MetadataReference> FrameworkReferences { get; } =
        [.. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => path.Length > 0)
            .Select(path => MetadataReference.CreateFromFile(path))];

    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Latest);

    // What <ImplicitUsings>enable</ImplicitUsings> gives every kata project (Microsoft.NET.Sdk's list).
    private const string ImplicitUsings =
        "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; " +
        "global using System.Net.Http; global using System.Threading; global using System.Threading.Tasks;";

    public static IReadOnlyList<Mutant> Generate(IReadOnlyList<SourceFile> files, IReadOnlyList<MutationOperator>? operators = null)
    {
        operators ??= MutationOperator.All;
        var trees = files.Select(file => CSharpSyntaxTree.ParseText(file.Text, ParseOptions, file.Path)).ToList();
        var compilation = CSharpCompilation.Create(
            "MutationAnalysis",
            [.. trees, CSharpSyntaxTree.ParseText(ImplicitUsings, ParseOptions, "ImplicitUsings.g.cs")],
            FrameworkReferences,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var mutants = new List<Mutant>();
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (file, tree) in files.Zip(trees))
        {
            var context = new MutationContext(tree, compilation.GetSemanticModel(tree));
            // Two operators can make the same text (RemoveStatement of a Release is RemoveReleaseCall's mutant): the
            // first, more specific, one keeps it.
            var texts = new HashSet<string>(StringComparer.Ordinal) { Normalize(file.Text) };
            var perFile = new List<Mutant>();
            foreach (var op in operators)
            {
                foreach (var edit in op.Find(context).OrderBy(edit => edit.Span.Start).ThenBy(edit => edit.Replacement, StringComparer.Ordinal))
                {
                    var original = file.Text.Substring(edit.Span.Start, edit.Span.Length);
                    var mutated = string.Concat(file.Text.AsSpan(0, edit.Span.Start), edit.Replacement, file.Text.AsSpan(edit.Span.End));
                    if (!texts.Add(Normalize(mutated)))
                    {
                        continue;
                    }

                    var line = tree.GetLineSpan(edit.Site.Span).StartLinePosition.Line + 1;
                    var id = $"{file.Path}:{line}:{op.Name}:{Mutant.Hash(op.Name, original, edit.Replacement)}";
                    for (var n = 2; !taken.Add(id); n++)
                    {
                        id = $"{file.Path}:{line}:{op.Name}:{Mutant.Hash(op.Name, original, edit.Replacement)}:{n}";
                    }

                    // The whole lines the edit touches, before and after: what a reader needs to see the change.
                    var text = tree.GetText();
                    var lines = Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(
                        text.Lines.GetLineFromPosition(edit.Span.Start).Start, text.Lines.GetLineFromPosition(edit.Span.End).End);
                    var before = text.ToString(lines);
                    var after = string.Concat(before.AsSpan(0, edit.Span.Start - lines.Start), edit.Replacement, before.AsSpan(edit.Span.End - lines.Start));
                    perFile.Add(new Mutant(id, op.Name, op.ConMAn, file.Path, line, edit.Span, original, edit.Replacement, before, after));
                }
            }

            mutants.AddRange(perFile.OrderBy(m => m.Line).ThenBy(m => m.Span.Start));
        }

        return mutants;

        // The same mutant up to layout (a removed statement leaves its line's indentation either way).
        static string Normalize(string text) => Mutant.Collapse(text);
    }
}
