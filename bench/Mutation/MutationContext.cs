using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Katas.Mutation;

/// <summary>One file being mutated: its syntax, its semantic model, and which of its members concurrency touches.</summary>
public sealed class MutationContext
{
    // A member that names any of these (or has a lock or an await) is concurrency code: the ordinary operators
    // (negate a condition, shift a boundary, drop a statement) mutate only there, where the graders are meant to look.
    private static readonly HashSet<string> s_concurrencyNames =
    [
        "Monitor", "Interlocked", "Volatile", "Thread", "Task", "Parallel", "SemaphoreSlim", "Semaphore", "Mutex",
        "Join", "Wait", "WaitAll", "WaitAny", "WhenAll", "WhenAny", "WhenEach", "WaitOne", "WaitAsync", "Release",
        "ReleaseMutex", "Pulse", "PulseAll", "Process", "CancellationToken", "CancellationTokenSource",
        "ManualResetEventSlim", "ManualResetEvent", "BlockingCollection", "TaskCompletionSource", "ParallelOptions",
        "ThreadPool", "CreateTimer", "TrySetResult", "CountdownEvent", "Barrier", "Channel",
    ];

    // Methods handed to these as a method group run on another thread: they are concurrency code too.
    private static readonly HashSet<string> s_threadStarters = ["Thread", "Task", "Run", "StartNew", "QueueUserWorkItem", "CreateTimer", "Timer"];

    private readonly HashSet<SyntaxNode> _concurrencyMembers = [];

    public MutationContext(SyntaxTree tree, SemanticModel? model)
    {
        Tree = tree;
        Root = tree.GetRoot();
        Model = model;
        var threadBodies = new HashSet<string>(StringComparer.Ordinal);
        foreach (var argument in Root.DescendantNodes().OfType<ArgumentSyntax>())
        {
            if (argument.Expression is IdentifierNameSyntax method && argument.Parent?.Parent is { } call && StarterName(call) is { } name
                && s_threadStarters.Contains(name))
            {
                threadBodies.Add(method.Identifier.ValueText);
            }
        }

        foreach (var member in Root.DescendantNodes().Where(IsMember))
        {
            var isConcurrent = member.DescendantNodes().Any(node => node switch
            {
                LockStatementSyntax or AwaitExpressionSyntax => true,
                IdentifierNameSyntax identifier => s_concurrencyNames.Contains(identifier.Identifier.ValueText),
                _ => false,
            });
            if (isConcurrent || (member is MethodDeclarationSyntax method && threadBodies.Contains(method.Identifier.ValueText)))
            {
                _concurrencyMembers.Add(member);
            }
        }
    }

    public SyntaxTree Tree { get; }

    public SyntaxNode Root { get; }

    public SemanticModel? Model { get; }

    /// <summary>True inside a method, constructor, accessor or property that uses threads, locks, tasks or waits.</summary>
    public bool InConcurrencyMember(SyntaxNode node) =>
        node.AncestorsAndSelf().Where(IsMember).LastOrDefault() is { } member && _concurrencyMembers.Contains(member);

    public IEnumerable<T> Nodes<T>()
        where T : SyntaxNode => Root.DescendantNodes().OfType<T>();

    /// <summary>The method an invocation calls, by its last name: "Monitor.Enter(x)" and "Enter()" are both "Enter".</summary>
    public static string? CalledName(InvocationExpressionSyntax invocation) => invocation.Expression switch
    {
        MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
        IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
        GenericNameSyntax generic => generic.Identifier.ValueText,
        MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText,
        _ => null,
    };

    /// <summary>The receiver's text: "Monitor" for Monitor.Enter(x), "" for Enter().</summary>
    public static string Receiver(InvocationExpressionSyntax invocation) =>
        invocation.Expression is MemberAccessExpressionSyntax access ? access.Expression.ToString() : "";

    /// <summary>The invocation an expression statement (or a void method's expression body) consists of, if any.</summary>
    public static InvocationExpressionSyntax? CallOf(SyntaxNode statement) => statement switch
    {
        ExpressionStatementSyntax { Expression: InvocationExpressionSyntax call } => call,
        ExpressionStatementSyntax { Expression: ConditionalAccessExpressionSyntax { WhenNotNull: InvocationExpressionSyntax call } } => call,
        ExpressionStatementSyntax { Expression: AwaitExpressionSyntax { Expression: InvocationExpressionSyntax call } } => call,
        ArrowExpressionClauseSyntax { Expression: InvocationExpressionSyntax call } => call,
        _ => null,
    };

    /// <summary>
    /// The statements a call can be removed from: expression statements, and the expression bodies of void methods
    /// (<c>public void Exit() =&gt; _slots.Release();</c>), which become <c>{ }</c>.
    /// </summary>
    public IEnumerable<(SyntaxNode Statement, InvocationExpressionSyntax Call)> CallStatements()
    {
        foreach (var node in Root.DescendantNodes())
        {
            if (node is ExpressionStatementSyntax or ArrowExpressionClauseSyntax && CallOf(node) is { } call
                && (node is ExpressionStatementSyntax || IsVoidBody((ArrowExpressionClauseSyntax)node)))
            {
                yield return (node, call);
            }
        }
    }

    /// <summary>The span and text that remove a statement: an expression body becomes an empty block.</summary>
    public static Edit Remove(SyntaxNode statement, string replacementForStatement = "") => statement switch
    {
        ArrowExpressionClauseSyntax arrow => new Edit(
            Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(arrow.SpanStart, SemicolonAfter(arrow).Span.End),
            "{ " + replacementForStatement + " }",
            statement),
        _ => new Edit(statement.Span, replacementForStatement, statement),
    };

    public static SyntaxToken SemicolonAfter(ArrowExpressionClauseSyntax arrow) => arrow.Parent switch
    {
        MethodDeclarationSyntax method => method.SemicolonToken,
        LocalFunctionStatementSyntax local => local.SemicolonToken,
        _ => arrow.GetLastToken().GetNextToken(),
    };

    /// <summary>The text of a statement as a statement, also for a void method's expression body.</summary>
    public static string StatementText(SyntaxNode statement) =>
        statement is ArrowExpressionClauseSyntax arrow ? arrow.Expression + ";" : statement.ToString();

    /// <summary>
    /// The text of <paramref name="container"/> with the given sub-spans replaced (spans must not overlap).
    /// </summary>
    public static string Rewrite(SyntaxNode container, params (Microsoft.CodeAnalysis.Text.TextSpan Span, string Text)[] edits)
    {
        var text = container.ToString();
        foreach (var (span, replacement) in edits.OrderByDescending(edit => edit.Span.Start))
        {
            var start = span.Start - container.SpanStart;
            text = string.Concat(text.AsSpan(0, start), replacement, text.AsSpan(start + span.Length));
        }

        return text;
    }

    public static string Block(IEnumerable<StatementSyntax> statements) =>
        "{\n" + string.Concat(statements.Select(statement => statement.ToString() + "\n")) + "}";

    public static string Statements(IEnumerable<StatementSyntax> statements) =>
        string.Join("\n", statements.Select(statement => statement.ToString()));

    public static bool IsVoidBody(ArrowExpressionClauseSyntax arrow) => arrow.Parent switch
    {
        MethodDeclarationSyntax method => method.ReturnType is PredefinedTypeSyntax { Keyword.RawKind: (int)SyntaxKind.VoidKeyword },
        LocalFunctionStatementSyntax local => local.ReturnType is PredefinedTypeSyntax { Keyword.RawKind: (int)SyntaxKind.VoidKeyword },
        _ => false,
    };

    private static bool IsMember(SyntaxNode node) =>
        node is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or PropertyDeclarationSyntax;

    private static string? StarterName(SyntaxNode call) => call switch
    {
        InvocationExpressionSyntax invocation => CalledName(invocation),
        ObjectCreationExpressionSyntax creation => creation.Type switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
            QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
            _ => null,
        },
        _ => null,
    };
}
