using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Katas.Mutation;

/// <summary>One change an operator proposes: replace <see cref="Span"/> of the file with <see cref="Replacement"/>.</summary>
/// <param name="Site">The node the change is about; its first line is the mutant's line.</param>
public sealed record Edit(TextSpan Span, string Replacement, SyntaxNode Site);

/// <summary>
/// One mutant of one kata: a single edit of a single file. Its <see cref="Id"/> depends only on the file, the line,
/// the operator and the text before and after (not on the order operators run in, nor on the grader), so a list of
/// equivalent mutants written for one run still names the same mutants in the next.
/// </summary>
public sealed partial record Mutant(
    string Id,
    string Operator,
    string ConMAn,
    string File,
    int Line,
    TextSpan Span,
    string Original,
    string Mutated,
    string LinesBefore,
    string LinesAfter)
{
    /// <summary>"original -> mutated" on one line: the part of the mutated lines that changed, with a little context, whitespace collapsed.</summary>
    public string Diff => OneLineDiff(LinesBefore, LinesAfter);

    public string ApplyTo(string text) => string.Concat(text.AsSpan(0, Span.Start), Mutated, text.AsSpan(Span.End));

    /// <summary>The id's hash part: six hex digits of SHA-256 over the operator and both texts, whitespace collapsed.</summary>
    public static string Hash(string op, string original, string mutated)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes($"{op}\n{Collapse(original)}\n{Collapse(mutated)}"));
        return Convert.ToHexStringLower(bytes)[..6];
    }

    public static string Collapse(string text) => Whitespace().Replace(text, " ").Trim();

    public static string OneLineDiff(string original, string mutated, int context = 24, int maxLength = 200)
    {
        // Comments are left out of the display (the hash keeps them): a moved lock body would show them all.
        var a = Collapse(LineComment().Replace(original, " "));
        var b = Collapse(LineComment().Replace(mutated, " "));
        var prefix = 0;
        while (prefix < a.Length && prefix < b.Length && a[prefix] == b[prefix])
        {
            prefix++;
        }

        var suffix = 0;
        while (suffix < a.Length - prefix && suffix < b.Length - prefix && a[^(suffix + 1)] == b[^(suffix + 1)])
        {
            suffix++;
        }

        var from = Math.Max(0, prefix - context);
        var aTo = Math.Min(a.Length, a.Length - suffix + context);
        var bTo = Math.Min(b.Length, b.Length - suffix + context);
        return $"{Clip(a, from, aTo, maxLength)} -> {Clip(b, from, bTo, maxLength)}";
    }

    private static string Clip(string text, int from, int to, int maxLength)
    {
        var part = text[from..to];
        if (part.Length > maxLength)
        {
            part = part[..(maxLength / 2)] + " … " + part[^(maxLength / 2)..];
        }

        return (from > 0 ? "…" : "") + (part.Length == 0 ? "(nothing)" : part) + (to < text.Length ? "…" : "");
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"(?<![:""])//[^\n]*")]
    private static partial Regex LineComment();
}
