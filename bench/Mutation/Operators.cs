using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static Katas.Mutation.MutationContext;

namespace Katas.Mutation;

/// <summary>
/// A mutation operator: finds every site in a file where it applies and proposes one edit per mutant. The
/// concurrency operators follow ConMAn (Bradbury, Cordy, Dingel, "Mutation Operators for Concurrent Java",
/// Mutation 2006), adapted to C#'s lock, Monitor, SemaphoreSlim, Task and Interlocked; <see cref="ConMAn"/> names
/// the original operator, or says "extension" for those ConMAn has no counterpart for.
/// </summary>
public abstract class MutationOperator
{
    public string Name => GetType().Name;

    public abstract string ConMAn { get; }

    public abstract IEnumerable<Edit> Find(MutationContext context);

    /// <summary>Every operator, concurrency operators first (when two make the same mutant, the first one names it).</summary>
    public static IReadOnlyList<MutationOperator> All { get; } =
    [
        new RemoveLock(), new LockOnNewObject(), new ExchangeLockObjects(),
        new ShrinkCriticalRegion(), new ShiftCriticalRegion(), new SplitCriticalRegion(), new ExpandCriticalRegion(),
        new ExchangeLockOrder(),
        new RemoveFinallyAroundRelease(), new RemoveReleaseCall(), new DuplicateReleaseCall(), new RemoveAcquireCall(),
        new PulseAllToPulse(), new RemoveNotifyCall(), new WaitLoopToIf(),
        new RemoveJoinOrWait(), new JoinInStartLoop(),
        new AtomicToNonAtomic(), new RemoveVolatile(),
        new ChangePermitCount(), new ChangeTimeout(), new DropCancellation(),
        new ThreadToPoolTask(), new TaskToDirectCall(),
        new NegateCondition(), new RelationalBoundary(), new RemoveStatement(),
    ];

    protected static IEnumerable<LockStatementSyntax> Locks(MutationContext context) => context.Nodes<LockStatementSyntax>();

    /// <summary>The statement list a statement sits in, and its index there; null outside a block.</summary>
    protected static (SyntaxList<StatementSyntax> List, int Index)? Siblings(StatementSyntax statement) => statement.Parent switch
    {
        BlockSyntax block => (block.Statements, block.Statements.IndexOf(statement)),
        SwitchSectionSyntax section => (section.Statements, section.Statements.IndexOf(statement)),
        _ => null,
    };

    protected static string LockText(LockStatementSyntax node, IEnumerable<StatementSyntax> body) =>
        $"lock ({node.Expression})\n" + Block(body);
}

// ---- Critical regions and lock objects ----

/// <summary>ConMAn RSB: remove a synchronized block, keeping its body: <c>lock (x) { S }</c> -> <c>{ S }</c>.</summary>
public sealed class RemoveLock : MutationOperator
{
    public override string ConMAn => "RSB (Remove Synchronized Block)";

    public override IEnumerable<Edit> Find(MutationContext context) =>
        Locks(context).Select(node => new Edit(node.Span, node.Statement is BlockSyntax ? node.Statement.ToString() : "{ " + node.Statement + " }", node));
}

/// <summary>ConMAn MSP: the lock's object becomes a fresh one, so nobody else ever holds it: <c>lock (new object())</c>.</summary>
public sealed class LockOnNewObject : MutationOperator
{
    public override string ConMAn => "MSP (Modify Synchronized Block Parameter)";

    public override IEnumerable<Edit> Find(MutationContext context) =>
        Locks(context).Select(node => new Edit(node.Expression.Span, "new object()", node));
}

/// <summary>
/// ConMAn ESP/EELO: lock another of the class's lock objects (when it has two or more), or the other lock object of
/// the same method (<c>lock (a) ... lock (b)</c> -> <c>lock (b) ... lock (b)</c>).
/// </summary>
public sealed class ExchangeLockObjects : MutationOperator
{
    public override string ConMAn => "ESP/EELO (Exchange Synchronized Block Parameters / Exchange Explicit Lock Objects)";

    public override IEnumerable<Edit> Find(MutationContext context)
    {
        foreach (var node in Locks(context))
        {
            var method = node.Ancestors().FirstOrDefault(a => a is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or LocalFunctionStatementSyntax);
            var type = node.Ancestors().OfType<TypeDeclarationSyntax>().FirstOrDefault();
            var sameMethod = method?.DescendantNodes().OfType<LockStatementSyntax>().Select(l => l.Expression.ToString()) ?? [];
            // A field of the class is in scope everywhere in it; a local of another method is not.
            var classFields = type?.DescendantNodes().OfType<LockStatementSyntax>()
                .Select(l => l.Expression).Where(e => e is IdentifierNameSyntax or MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax })
                .Select(e => e.ToString()) ?? [];
            var own = node.Expression.ToString();
            foreach (var other in sameMethod.Concat(classFields).Distinct(StringComparer.Ordinal).Where(other => other != own))
            {
                yield return new Edit(node.Expression.Span, other, node);
            }
        }
    }
}

/// <summary>ConMAn SKCR: shrink a critical region: its first, or its last, statement moves out of the lock.</summary>
public sealed class ShrinkCriticalRegion : MutationOperator
{
    public override string ConMAn => "SKCR (Shrink Critical Region)";

    public override IEnumerable<Edit> Find(MutationContext context)
    {
        foreach (var node in Locks(context))
        {
            if (node.Statement is not BlockSyntax { Statements: { Count: >= 2 } body })
            {
                continue;
            }

            yield return new Edit(node.Span, body[0] + "\n" + LockText(node, body.Skip(1)), node);
            yield return new Edit(node.Span, LockText(node, body.Take(body.Count - 1)) + "\n" + body[^1], node);
        }
    }
}

/// <summary>
/// ConMAn SHCR: shift a critical region by one statement: up (it takes in the statement before it and lets out its
/// last) or down (it lets out its first and takes in the statement after it).
/// </summary>
public sealed class ShiftCriticalRegion : MutationOperator
{
    public override string ConMAn => "SHCR (Shift Critical Region)";

    public override IEnumerable<Edit> Find(MutationContext context)
    {
        foreach (var node in Locks(context))
        {
            if (node.Statement is not BlockSyntax { Statements: { Count: >= 1 } body } || Siblings(node) is not var (list, index))
            {
                continue;
            }

            if (index > 0)
            {
                var before = list[index - 1];
                var span = Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(before.SpanStart, node.Span.End);
                yield return new Edit(span, LockText(node, body.Take(body.Count - 1).Prepend(before)) + "\n" + body[^1], node);
            }

            if (index < list.Count - 1)
            {
                var after = list[index + 1];
                var span = Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(node.SpanStart, after.Span.End);
                yield return new Edit(span, body[0] + "\n" + LockText(node, body.Skip(1).Append(after)), node);
            }
        }
    }
}

/// <summary>ConMAn SPCR: split a critical region in two around its middle: <c>lock (x) { A } lock (x) { B }</c>.</summary>
public sealed class SplitCriticalRegion : MutationOperator
{
    public override string ConMAn => "SPCR (Split Critical Region)";

    public override IEnumerable<Edit> Find(MutationContext context)
    {
        foreach (var node in Locks(context))
        {
            if (node.Statement is BlockSyntax { Statements: { Count: >= 2 } body })
            {
                var middle = body.Count / 2;
                yield return new Edit(node.Span, LockText(node, body.Take(middle)) + "\n" + LockText(node, body.Skip(middle)), node);
            }
        }
    }
}

/// <summary>ConMAn EXCR: expand a critical region: it takes in the statement after it (or, failing that, before it).</summary>
public sealed class ExpandCriticalRegion : MutationOperator
{
    public override string ConMAn => "EXCR (Expand Critical Region)";

    public override IEnumerable<Edit> Find(MutationContext context)
    {
        foreach (var node in Locks(context))
        {
            if (node.Statement is not BlockSyntax { Statements: var body } || Siblings(node) is not var (list, index))
            {
                continue;
            }

            if (index < list.Count - 1)
            {
                var after = list[index + 1];
                yield return new Edit(Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(node.SpanStart, after.Span.End), LockText(node, body.Append(after)), node);
            }

            if (index > 0)
            {
                var before = list[index - 1];
                yield return new Edit(Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(before.SpanStart, node.Span.End), LockText(node, body.Prepend(before)), node);
            }
        }
    }
}

/// <summary>
/// ConMAn ELPA: exchange the order of two lock acquisitions: nested locks (<c>lock (a) { lock (b) ... }</c> ->
/// <c>lock (b) { lock (a) ... }</c>), two Monitor.Enter calls in a row, the arms of a conditional that chooses which
/// of two objects to lock first (<c>c ? (a, b) : (b, a)</c>), and OrderBy/OrderByDescending of the objects a
/// method locks in a loop.
/// </summary>
public sealed class ExchangeLockOrder : MutationOperator
{
    public override string ConMAn => "ELPA (Exchange Lock/Permit Acquisition)";

    public override IEnumerable<Edit> Find(MutationContext context)
    {
        foreach (var outer in Locks(context))
        {
            var inner = outer.Statement switch
            {
                LockStatementSyntax direct => direct,
                BlockSyntax { Statements: [LockStatementSyntax first, ..] } => first,
                _ => null,
            };
            if (inner is not null && inner.Expression.ToString() != outer.Expression.ToString())
            {
                yield return new Edit(outer.Span, Rewrite(outer, (outer.Expression.Span, inner.Expression.ToString()), (inner.Expression.Span, outer.Expression.ToString())), outer);
            }
        }

        foreach (var block in context.Nodes<BlockSyntax>())
        {
            for (var i = 0; i + 1 < block.Statements.Count; i++)
            {
                if (EnteredObject(block.Statements[i]) is { } a && EnteredObject(block.Statements[i + 1]) is { } b && a.ToString() != b.ToString())
                {
                    var span = Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(block.Statements[i].SpanStart, block.Statements[i + 1].Span.End);
                    var text = block.SyntaxTree.GetText().ToString(span);
                    var offset = block.Statements[i].SpanStart;
                    var swapped = text[..(a.SpanStart - offset)] + b + text[(a.Span.End - offset)..(b.SpanStart - offset)] + a + text[(b.Span.End - offset)..];
                    yield return new Edit(span, swapped, block.Statements[i]);
                }
            }
        }

        foreach (var conditional in context.Nodes<ConditionalExpressionSyntax>().Where(context.InConcurrencyMember))
        {
            if (Unparenthesize(conditional.WhenTrue) is TupleExpressionSyntax yes && Unparenthesize(conditional.WhenFalse) is TupleExpressionSyntax no
                && yes.Arguments.Count == no.Arguments.Count
                && yes.Arguments.Select(a => a.ToString()).Order(StringComparer.Ordinal).SequenceEqual(no.Arguments.Select(a => a.ToString()).Order(StringComparer.Ordinal))
                && yes.ToString() != no.ToString())
            {
                yield return new Edit(conditional.Span, Rewrite(conditional, (conditional.WhenTrue.Span, conditional.WhenFalse.ToString()), (conditional.WhenFalse.Span, conditional.WhenTrue.ToString())), conditional);
            }
        }

        foreach (var invocation in context.Nodes<InvocationExpressionSyntax>())
        {
            if (invocation.Expression is MemberAccessExpressionSyntax { Name: var name } && name.Identifier.ValueText is "OrderBy" or "OrderByDescending"
                && invocation.Ancestors().FirstOrDefault(a => a is BaseMethodDeclarationSyntax) is { } method
                && method.DescendantNodes().Any(n => n is LockStatementSyntax || (n is InvocationExpressionSyntax call && CalledName(call) == "Enter")))
            {
                var other = name.Identifier.ValueText == "OrderBy" ? "OrderByDescending" : "OrderBy";
                yield return new Edit(name.Identifier.Span, other, invocation);
            }
        }
    }

    private static ExpressionSyntax Unparenthesize(ExpressionSyntax expression) =>
        expression is ParenthesizedExpressionSyntax parenthesized ? Unparenthesize(parenthesized.Expression) : expression;

    private static ExpressionSyntax? EnteredObject(StatementSyntax statement) =>
        CallOf(statement) is { } call && CalledName(call) == "Enter" && Receiver(call) is "Monitor" or "System.Threading.Monitor" && call.ArgumentList.Arguments.Count >= 1
            ? call.ArgumentList.Arguments[0].Expression
            : null;
}

// ---- Acquire, release, notify, wait ----

/// <summary>The names of calls that give a lock, permit or mutex back.</summary>
internal static class CallNames
{
    public static readonly HashSet<string> Release = ["Release", "Exit", "ReleaseMutex", "ExitReadLock", "ExitWriteLock", "ExitUpgradeableReadLock"];
    public static readonly HashSet<string> Acquire = ["Enter", "EnterReadLock", "EnterWriteLock", "EnterUpgradeableReadLock"];
    public static readonly HashSet<string> Notify =
        ["Pulse", "PulseAll", "Set", "Signal", "SetResult", "TrySetResult", "SetCanceled", "TrySetCanceled", "SetException", "TrySetException", "CompleteAdding"];
    public static readonly HashSet<string> Wait = ["Join", "Wait", "WaitAll", "WaitAny", "WaitOne", "WaitAsync", "WaitForExit", "WhenAll", "WhenAny", "GetResult"];

    public static bool IsRelease(InvocationExpressionSyntax call) =>
        CalledName(call) is { } name && Release.Contains(name) && Receiver(call) != "Environment";
}

/// <summary>ConMAn RFU: remove the finally around a release: <c>try { S } finally { x.Release(); }</c> -> <c>{ S } x.Release();</c>.</summary>
public sealed class RemoveFinallyAroundRelease : MutationOperator
{
    public override string ConMAn => "RFU (Remove Finally Around Unlock)";

    public override IEnumerable<Edit> Find(MutationContext context)
    {
        foreach (var node in context.Nodes<TryStatementSyntax>())
        {
            if (node.Finally is not { } @finally
                || !@finally.Block.DescendantNodes().OfType<InvocationExpressionSyntax>().Any(call => CallNames.IsRelease(call) || CalledName(call) == "Dispose"))
            {
                continue;
            }

            var kept = node.Catches.Count == 0
                ? node.Block.ToString()
                : Rewrite(node, (Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(@finally.FullSpan.Start, node.Span.End), ""));
            yield return new Edit(node.Span, kept + "\n" + Statements(@finally.Block.Statements), node);
        }
    }
}

/// <summary>ConMAn RCXC: remove a call that releases a lock, permit or mutex (Release, Monitor.Exit, ReleaseMutex).</summary>
public sealed class RemoveReleaseCall : MutationOperator
{
    public override string ConMAn => "RCXC (Remove Concurrency Mechanism Method-X Call: release/unlock)";

    public override IEnumerable<Edit> Find(MutationContext context) =>
        context.CallStatements().Where(s => CallNames.IsRelease(s.Call)).Select(s => Remove(s.Statement));
}

/// <summary>Extension (a second release, as a wrong Exit in an error path would make): <c>x.Release();</c> twice.</summary>
public sealed class DuplicateReleaseCall : MutationOperator
{
    public override string ConMAn => "extension (release twice; ConMAn's RCXC in reverse)";

    public override IEnumerable<Edit> Find(MutationContext context) =>
        context.CallStatements().Where(s => CallNames.IsRelease(s.Call))
            .Select(s => Remove(s.Statement, StatementText(s.Statement) + "\n" + StatementText(s.Statement)));
}

/// <summary>ConMAn RCXC: remove a call that takes a lock (Monitor.Enter, a throttle's Enter).</summary>
public sealed class RemoveAcquireCall : MutationOperator
{
    public override string ConMAn => "RCXC (Remove Concurrency Mechanism Method-X Call: lock/acquire)";

    public override IEnumerable<Edit> Find(MutationContext context) =>
        context.CallStatements().Where(s => CalledName(s.Call) is { } name && CallNames.Acquire.Contains(name)).Select(s => Remove(s.Statement));
}

/// <summary>ConMAn RNA: <c>Monitor.PulseAll(x)</c> -> <c>Monitor.Pulse(x)</c>.</summary>
public sealed class PulseAllToPulse : MutationOperator
{
    public override string ConMAn => "RNA (Replace NotifyAll() with Notify())";

    public override IEnumerable<Edit> Find(MutationContext context) =>
        context.Nodes<InvocationExpressionSyntax>()
            .Where(call => call.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "PulseAll" })
            .Select(call => new Edit(((MemberAccessExpressionSyntax)call.Expression).Name.Span, "Pulse", call));
}

/// <summary>ConMAn RTXC (notify): remove a Pulse/PulseAll, an event's Set, a TaskCompletionSource's TrySetResult, CompleteAdding.</summary>
public sealed class RemoveNotifyCall : MutationOperator
{
    public override string ConMAn => "RTXC (Remove Thread Method-X Call: notify/notifyAll/signal)";

    public override IEnumerable<Edit> Find(MutationContext context) =>
        context.CallStatements().Where(s => CalledName(s.Call) is { } name && CallNames.Notify.Contains(name)).Select(s => Remove(s.Statement));
}

/// <summary>
/// Extension (the classic missed re-check): a loop that waits becomes an <c>if</c>:
/// <c>while (full) Monitor.Wait(gate);</c> -> <c>if (full) Monitor.Wait(gate);</c>.
/// </summary>
public sealed class WaitLoopToIf : MutationOperator
{
    private static readonly HashSet<string> s_waits = ["Wait", "WaitOne", "WaitAsync", "Sleep", "Delay", "SpinOnce", "WaitForExit"];

    public override string ConMAn => "extension (wait loop -> if; ConMAn has none)";

    public override IEnumerable<Edit> Find(MutationContext context) =>
        context.Nodes<WhileStatementSyntax>()
            .Where(loop => loop.Statement.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>().Any(call => CalledName(call) is { } name && s_waits.Contains(name)))
            .Select(loop => new Edit(loop.WhileKeyword.Span, "if", loop));
}

/// <summary>
/// ConMAn RTXC (join/wait): remove a Join, Wait, WaitAll, WaitOne, WaitAsync, GetResult call, or an awaited
/// statement, which becomes fire-and-forget: <c>await t;</c> -> <c>_ = t;</c>.
/// </summary>
public sealed class RemoveJoinOrWait : MutationOperator
{
    public override string ConMAn => "RTXC (Remove Thread Method-X Call: join/wait/await)";

    public override IEnumerable<Edit> Find(MutationContext context)
    {
        foreach (var (statement, call) in context.CallStatements())
        {
            if (statement is ExpressionStatementSyntax { Expression: AwaitExpressionSyntax awaited })
            {
                yield return new Edit(statement.Span, "_ = " + awaited.Expression + ";", statement);
            }
            else if (CalledName(call) is { } name && CallNames.Wait.Contains(name))
            {
                yield return Remove(statement);
            }
        }

        foreach (var statement in context.Nodes<ExpressionStatementSyntax>())
        {
            if (statement.Expression is AwaitExpressionSyntax awaited && awaited.Expression is not InvocationExpressionSyntax)
            {
                yield return new Edit(statement.Span, "_ = " + awaited.Expression + ";", statement);
            }
        }
    }
}

/// <summary>
/// Extension (the lesson's "start-then-join each in turn" bug): a loop of Joins after a loop of Starts moves into the
/// start loop (<c>x.Start(); x.Join();</c>, one thread at a time), and <c>a.Start(); b.Start(); a.Join();</c> becomes
/// <c>a.Start(); a.Join(); b.Start();</c>.
/// </summary>
public sealed class JoinInStartLoop : MutationOperator
{
    public override string ConMAn => "extension (join inside the start loop; ConMAn has none)";

    public override IEnumerable<Edit> Find(MutationContext context)
    {
        foreach (var block in context.Nodes<BlockSyntax>())
        {
            var statements = block.Statements;
            for (var i = 0; i + 1 < statements.Count; i++)
            {
                if (statements[i] is not (ForEachStatementSyntax or ForStatementSyntax) || StartCallIn(statements[i]) is not { } start)
                {
                    continue;
                }

                foreach (var later in statements.Skip(i + 1).OfType<ForEachStatementSyntax>())
                {
                    if (LoopBody(later) is [var only] && CallOf(only) is { } join && CalledName(join) is "Join" or "Wait"
                        && Receiver(join) == later.Identifier.ValueText)
                    {
                        var startStatement = start.Ancestors().OfType<StatementSyntax>().First();
                        var receiver = Receiver(start);
                        var joined = receiver + "." + join.Expression.ToString()[(Receiver(join).Length + 1)..] + join.ArgumentList + ";";
                        var span = Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(statements[i].SpanStart, later.Span.End);
                        var firstLoop = Rewrite(statements[i], (startStatement.Span, startStatement + "\n" + joined));
                        var between = statements.Skip(i + 1).TakeWhile(s => s != later).Select(s => s.ToString());
                        yield return new Edit(span, string.Join("\n", between.Prepend(firstLoop)), statements[i]);
                        break;
                    }
                }
            }

            // Straight-line: a.Start(); b.Start(); ... a.Join(); -> a.Start(); a.Join(); b.Start(); ...
            for (var i = 0; i < statements.Count; i++)
            {
                if (CallOf(statements[i]) is not { } start || CalledName(start) != "Start" || Receiver(start) is not { Length: > 0 } receiver)
                {
                    continue;
                }

                var joinIndex = -1;
                for (var j = i + 1; j < statements.Count; j++)
                {
                    if (CallOf(statements[j]) is { } call && CalledName(call) == "Join" && Receiver(call) == receiver)
                    {
                        joinIndex = j;
                        break;
                    }
                }

                if (joinIndex > i + 1 && statements.Skip(i + 1).Take(joinIndex - i - 1).Any(s => CallOf(s) is { } other && CalledName(other) == "Start"))
                {
                    var span = Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(statements[i].SpanStart, statements[joinIndex].Span.End);
                    var moved = statements.Skip(i + 1).Take(joinIndex - i - 1).Select(s => s.ToString()).Prepend(statements[joinIndex].ToString()).Prepend(statements[i].ToString());
                    yield return new Edit(span, string.Join("\n", moved), statements[i]);
                }
            }
        }
    }

    private static InvocationExpressionSyntax? StartCallIn(StatementSyntax loop) =>
        loop.DescendantNodes().OfType<InvocationExpressionSyntax>()
            .FirstOrDefault(call => CalledName(call) == "Start" && Receiver(call).Length > 0 && call.Parent is ExpressionStatementSyntax);

    private static StatementSyntax[] LoopBody(ForEachStatementSyntax loop) =>
        loop.Statement is BlockSyntax block ? [.. block.Statements] : [loop.Statement];
}

// ---- Atomic operations ----

/// <summary>
/// ConMAn EAN: an atomic call becomes its non-atomic equivalent: <c>Interlocked.Increment(ref x)</c> -> <c>++x</c>,
/// Decrement -> <c>--x</c>, <c>Add(ref x, v)</c> -> <c>x += v</c>, <c>Exchange(ref x, v)</c> -> <c>x = v</c>,
/// <c>CompareExchange(ref x, v, c)</c> -> check-then-set, <c>Volatile.Read(ref x)</c> -> <c>x</c>,
/// <c>Volatile.Write(ref x, v)</c> -> <c>x = v</c>.
/// </summary>
public sealed class AtomicToNonAtomic : MutationOperator
{
    public override string ConMAn => "EAN (Exchange Atomic Call with Non-Atomic)";

    public override IEnumerable<Edit> Find(MutationContext context)
    {
        foreach (var call in context.Nodes<InvocationExpressionSyntax>())
        {
            if (call.Expression is not MemberAccessExpressionSyntax access || access.Expression.ToString() is not ("Interlocked" or "Volatile"))
            {
                continue;
            }

            var args = call.ArgumentList.Arguments.Select(a => a.Expression.ToString()).ToArray();
            var statement = call.Parent is ExpressionStatementSyntax;
            var replacement = (access.Expression.ToString(), access.Name.Identifier.ValueText, args.Length) switch
            {
                ("Interlocked", "Increment", 1) => $"++{args[0]}",
                ("Interlocked", "Decrement", 1) => $"--{args[0]}",
                ("Interlocked", "Add", 2) => $"{args[0]} += {args[1]}",
                ("Interlocked", "Exchange", 2) => $"{args[0]} = {args[1]}",
                ("Interlocked", "CompareExchange", 3) when statement => null,
                // The value before, as CompareExchange returns it; the set happens only when it matched.
                ("Interlocked", "CompareExchange", 3) => $"{args[0]} == {args[2]} ? ({args[0]} = {args[1]}, {args[2]}).Item2 : {args[0]}",
                ("Volatile", "Read", 1) => args[0],
                ("Volatile", "Write", 2) => $"{args[0]} = {args[1]}",
                _ => null,
            };
            if (statement && access.Name.Identifier.ValueText == "CompareExchange" && args.Length == 3)
            {
                yield return new Edit(call.Parent!.Span, $"if ({args[0]} == {args[2]}) {{ {args[0]} = {args[1]}; }}", call);
            }
            else if (replacement is not null)
            {
                yield return new Edit(call.Span, statement || replacement == args[0] ? replacement : $"({replacement})", call);
            }
        }
    }
}

/// <summary>ConMAn RVK: remove the <c>volatile</c> keyword of a field.</summary>
public sealed class RemoveVolatile : MutationOperator
{
    public override string ConMAn => "RVK (Remove Volatile Keyword)";

    public override IEnumerable<Edit> Find(MutationContext context) =>
        context.Nodes<FieldDeclarationSyntax>()
            .SelectMany(field => field.Modifiers.Where(m => m.IsKind(SyntaxKind.VolatileKeyword)).Select(m => new Edit(Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(m.SpanStart, m.GetNextToken().SpanStart), "", field)));
}

// ---- Counts, time-outs, cancellation ----

/// <summary>
/// ConMAn MXC: a permit or degree count one more and one less: the int arguments of <c>new SemaphoreSlim(a, b)</c>
/// (and Semaphore, CountdownEvent, Barrier, BlockingCollection), <c>MaxDegreeOfParallelism = n</c>, an argument
/// for a parameter named like a capacity or limit (maxConcurrency, capacity, limit, consumers...), and the
/// limit-like side of a comparison or of <c>ThrowIfLessThan(limit, 1)</c>.
/// </summary>
public sealed class ChangePermitCount : MutationOperator
{
    private static readonly HashSet<string> s_counted = ["SemaphoreSlim", "Semaphore", "CountdownEvent", "Barrier", "BlockingCollection"];

    public override string ConMAn => "MXC (Modify Permit Count)";

    public static bool IsLimitName(string name) =>
        System.Text.RegularExpressions.Regex.IsMatch(name, "^(max.*|.*capacity|.*limit|.*concurrency|.*degree.*|.*permits?|initialcount|maxcount|consumers|producers|workers|processes)$", System.Text.RegularExpressions.RegexOptions.IgnoreCase);

    public override IEnumerable<Edit> Find(MutationContext context)
    {
        var seen = new HashSet<int>();
        foreach (var creation in context.Nodes<BaseObjectCreationExpressionSyntax>())
        {
            var typeName = creation switch
            {
                ObjectCreationExpressionSyntax { Type: GenericNameSyntax generic } => generic.Identifier.ValueText,
                ObjectCreationExpressionSyntax { Type: IdentifierNameSyntax identifier } => identifier.Identifier.ValueText,
                ImplicitObjectCreationExpressionSyntax when context.Model?.GetTypeInfo(creation).Type is { } type => type.Name,
                _ => "",
            };
            if (s_counted.Contains(typeName) && creation.ArgumentList is { } list)
            {
                foreach (var argument in list.Arguments.Where(a => IsInt(context, a.Expression)))
                {
                    foreach (var edit in PlusMinus(argument.Expression, seen))
                    {
                        yield return edit;
                    }
                }
            }
        }

        foreach (var assignment in context.Nodes<AssignmentExpressionSyntax>())
        {
            if (assignment.Left is IdentifierNameSyntax { Identifier.ValueText: var name } && IsLimitName(name) && assignment.Parent is InitializerExpressionSyntax)
            {
                foreach (var edit in PlusMinus(assignment.Right, seen))
                {
                    yield return edit;
                }
            }
        }

        foreach (var argument in context.Nodes<ArgumentSyntax>())
        {
            var parameter = argument.NameColon?.Name.Identifier.ValueText ?? ParameterOf(context, argument)?.Name;
            if (parameter is not null && IsLimitName(parameter) && IsInt(context, argument.Expression))
            {
                foreach (var edit in PlusMinus(argument.Expression, seen))
                {
                    yield return edit;
                }
            }
        }

        foreach (var call in context.Nodes<InvocationExpressionSyntax>())
        {
            if (CalledName(call) is { } name && name.StartsWith("ThrowIf", StringComparison.Ordinal) && call.ArgumentList.Arguments is [var value, var bound]
                && LastName(value.Expression) is { } valueName && IsLimitName(valueName))
            {
                foreach (var edit in PlusMinus(bound.Expression, seen))
                {
                    yield return edit;
                }
            }
        }

        foreach (var comparison in context.Nodes<BinaryExpressionSyntax>().Where(IsComparison))
        {
            foreach (var side in new[] { comparison.Left, comparison.Right })
            {
                if (LastName(side) is { } sideName && IsLimitName(sideName))
                {
                    foreach (var edit in PlusMinus(side, seen))
                    {
                        yield return edit;
                    }
                }
            }
        }
    }

    public static bool IsComparison(BinaryExpressionSyntax node) => node.Kind() is SyntaxKind.LessThanExpression or SyntaxKind.LessThanOrEqualExpression
        or SyntaxKind.GreaterThanExpression or SyntaxKind.GreaterThanOrEqualExpression or SyntaxKind.EqualsExpression or SyntaxKind.NotEqualsExpression;

    internal static IParameterSymbol? ParameterOf(MutationContext context, ArgumentSyntax argument)
    {
        if (context.Model is null || argument.Parent is not BaseArgumentListSyntax list || list.Parent is null)
        {
            return null;
        }

        var symbol = context.Model.GetSymbolInfo(list.Parent).Symbol as IMethodSymbol;
        if (symbol is null)
        {
            return null;
        }

        if (argument.NameColon is { } named)
        {
            return symbol.Parameters.FirstOrDefault(p => p.Name == named.Name.Identifier.ValueText);
        }

        var index = list.Arguments.IndexOf(argument);
        return index < symbol.Parameters.Length ? symbol.Parameters[index]
            : symbol.Parameters.Length > 0 && symbol.Parameters[^1].IsParams ? symbol.Parameters[^1] : null;
    }

    private static string? LastName(ExpressionSyntax expression) => expression switch
    {
        IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
        MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
        _ => null,
    };

    private static bool IsInt(MutationContext context, ExpressionSyntax expression) =>
        context.Model?.GetTypeInfo(expression).Type?.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64
        || expression is LiteralExpressionSyntax { Token.Value: int };

    private static IEnumerable<Edit> PlusMinus(ExpressionSyntax expression, HashSet<int> seen)
    {
        if (!seen.Add(expression.SpanStart))
        {
            yield break;
        }

        if (expression is LiteralExpressionSyntax { Token.Value: int value })
        {
            yield return new Edit(expression.Span, (value + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), expression);
            if (value > 0)
            {
                yield return new Edit(expression.Span, (value - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), expression);
            }

            yield break;
        }

        var text = expression is IdentifierNameSyntax or MemberAccessExpressionSyntax ? expression.ToString() : $"({expression})";
        yield return new Edit(expression.Span, $"({text} + 1)", expression);
        yield return new Edit(expression.Span, $"({text} - 1)", expression);
    }
}

/// <summary>
/// ConMAn MXT: the time-out or delay of a waiting call (Wait, TryEnter, Join, WaitOne, TryTake, Delay, Sleep,
/// CreateTimer, ...) becomes 0 and infinite: <c>TimeSpan.Zero</c> / <c>Timeout.InfiniteTimeSpan</c> for a TimeSpan,
/// <c>0</c> / <c>Timeout.Infinite</c> for milliseconds.
/// </summary>
public sealed class ChangeTimeout : MutationOperator
{
    private static readonly HashSet<string> s_timed =
        ["Wait", "TryEnter", "Join", "WaitOne", "TryTake", "TryAdd", "Delay", "Sleep", "WaitAsync", "WaitForExit", "WaitAll", "WaitAny", "CreateTimer", "Change", "CancelAfter"];

    public override string ConMAn => "MXT (Modify Method-X Time)";

    public override IEnumerable<Edit> Find(MutationContext context)
    {
        foreach (var call in context.Nodes<InvocationExpressionSyntax>())
        {
            if (CalledName(call) is not { } name || !s_timed.Contains(name))
            {
                continue;
            }

            foreach (var argument in call.ArgumentList.Arguments)
            {
                var parameter = ChangePermitCount.ParameterOf(context, argument);
                string[] alternatives = parameter?.Type.Name switch
                {
                    "TimeSpan" => ["TimeSpan.Zero", "Timeout.InfiniteTimeSpan"],
                    "Int32" when parameter.Name.Contains("millisecond", StringComparison.OrdinalIgnoreCase) || parameter.Name is "timeout" or "dueTime" or "period" =>
                        ["0", "Timeout.Infinite"],
                    _ => [],
                };
                foreach (var alternative in alternatives.Where(a => a != argument.Expression.ToString() && "System.Threading." + a != argument.Expression.ToString()))
                {
                    yield return new Edit(argument.Expression.Span, alternative, call);
                }
            }
        }
    }
}

/// <summary>
/// Extension (ConMAn predates cancellation tokens): a CancellationToken argument or initializer becomes
/// <c>CancellationToken.None</c>; <c>token.ThrowIfCancellationRequested()</c>, <c>source.Cancel()</c> and
/// <c>await source.CancelAsync()</c> are removed.
/// </summary>
public sealed class DropCancellation : MutationOperator
{
    public override string ConMAn => "extension (drop cancellation; closest: RCXC)";

    public override IEnumerable<Edit> Find(MutationContext context)
    {
        foreach (var argument in context.Nodes<ArgumentSyntax>())
        {
            if (ChangePermitCount.ParameterOf(context, argument)?.Type.Name == "CancellationToken" && !IsNone(argument.Expression))
            {
                yield return new Edit(argument.Expression.Span, "CancellationToken.None", argument);
            }
        }

        foreach (var assignment in context.Nodes<AssignmentExpressionSyntax>())
        {
            if (assignment.Parent is InitializerExpressionSyntax && assignment.Left is IdentifierNameSyntax { Identifier.ValueText: "CancellationToken" } && !IsNone(assignment.Right))
            {
                yield return new Edit(assignment.Right.Span, "CancellationToken.None", assignment);
            }
        }

        foreach (var (statement, call) in context.CallStatements())
        {
            if (CalledName(call) is "ThrowIfCancellationRequested" or "Cancel" or "CancelAsync")
            {
                yield return Remove(statement);
            }
        }
    }

    private static bool IsNone(ExpressionSyntax expression) =>
        expression.ToString() is "CancellationToken.None" or "default" or "default(CancellationToken)" or "System.Threading.CancellationToken.None";
}

// ---- Threads and tasks ----

/// <summary>
/// ConMAn RXO: a dedicated thread becomes a thread-pool task: <c>var t = new Thread(f)</c> -> <c>new Task(f)</c>
/// (its <c>t.Join()</c> becomes <c>t.Wait()</c>, its Start stays), and <c>TaskCreationOptions.LongRunning</c>
/// becomes <c>TaskCreationOptions.None</c>.
/// </summary>
public sealed class ThreadToPoolTask : MutationOperator
{
    public override string ConMAn => "RXO (Replace One Concurrency Mechanism with Another: thread -> pool task)";

    public override IEnumerable<Edit> Find(MutationContext context)
    {
        foreach (var creation in context.Nodes<ObjectCreationExpressionSyntax>())
        {
            if (creation.Type.ToString() is not ("Thread" or "System.Threading.Thread") || creation.Initializer is not null
                || creation.ArgumentList?.Arguments.Count != 1
                || creation.Parent is not EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax variable }
                || variable.Ancestors().OfType<BlockSyntax>().FirstOrDefault() is not { } scope)
            {
                continue;
            }

            var name = variable.Identifier.ValueText;
            var joins = scope.DescendantNodes().OfType<InvocationExpressionSyntax>()
                .Where(call => CalledName(call) == "Join" && Receiver(call) == name && call.Expression is MemberAccessExpressionSyntax)
                .Select(call => (((MemberAccessExpressionSyntax)call.Expression).Name.Span, "Wait"));
            yield return new Edit(scope.Span, Rewrite(scope, [(creation.Type.Span, "Task"), .. joins]), creation);
        }

        foreach (var access in context.Nodes<MemberAccessExpressionSyntax>())
        {
            if (access.ToString() is "TaskCreationOptions.LongRunning")
            {
                yield return new Edit(access.Span, "TaskCreationOptions.None", access);
            }
        }
    }
}

/// <summary>
/// ConMAn RXO: a task becomes a direct call on the calling thread: <c>Task.Run(() =&gt; f())</c> ->
/// <c>Task.FromResult(f())</c> for a value, the call then <c>Task.CompletedTask</c> for an action, the async lambda
/// called directly for a Func of Task.
/// </summary>
public sealed class TaskToDirectCall : MutationOperator
{
    public override string ConMAn => "RXO (Replace One Concurrency Mechanism with Another: task -> direct call)";

    public override IEnumerable<Edit> Find(MutationContext context)
    {
        foreach (var call in context.Nodes<InvocationExpressionSyntax>())
        {
            if (call.Expression.ToString() is not ("Task.Run" or "Task.Factory.StartNew") || call.ArgumentList.Arguments.Count != 1
                || call.ArgumentList.Arguments[0].Expression is not (ParenthesizedLambdaExpressionSyntax { ParameterList.Parameters.Count: 0 } or IdentifierNameSyntax))
            {
                continue;
            }

            var work = call.ArgumentList.Arguments[0].Expression;
            var parameter = ChangePermitCount.ParameterOf(context, call.ArgumentList.Arguments[0])?.Type as INamedTypeSymbol;
            var replacement = parameter switch
            {
                { Name: "Action" } => $"((Func<Task>)(() => {{ ((Action)({work}))(); return Task.CompletedTask; }}))()",
                { Name: "Func", TypeArguments: [INamedTypeSymbol { Name: "Task" } task] } => $"((Func<{task.ToDisplayString()}>)({work}))()",
                { Name: "Func", TypeArguments: [var result] } when !result.IsAnonymousType => $"Task.FromResult(((Func<{result.ToDisplayString()}>)({work}))())",
                _ => null,
            };
            if (replacement is not null)
            {
                yield return new Edit(call.Span, replacement, call);
            }
        }
    }
}

// ---- Ordinary operators, only inside concurrency code ----

/// <summary>Ordinary (COI): negate the condition of an <c>if</c> or <c>while</c>.</summary>
public sealed class NegateCondition : MutationOperator
{
    public override string ConMAn => "ordinary (COI, negate condition)";

    public override IEnumerable<Edit> Find(MutationContext context)
    {
        foreach (var node in context.Root.DescendantNodes().Where(context.InConcurrencyMember))
        {
            var condition = node switch
            {
                IfStatementSyntax @if => @if.Condition,
                WhileStatementSyntax @while => @while.Condition,
                _ => null,
            };
            if (condition is not null && condition is not LiteralExpressionSyntax)
            {
                yield return new Edit(condition.Span, condition is PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalNotExpression } negated ? negated.Operand.ToString() : $"!({condition})", node);
            }
        }
    }
}

/// <summary>Ordinary (ROR, boundary): <c>&lt;</c> and <c>&lt;=</c> swapped, <c>&gt;</c> and <c>&gt;=</c> swapped.</summary>
public sealed class RelationalBoundary : MutationOperator
{
    public override string ConMAn => "ordinary (ROR, relational boundary)";

    public override IEnumerable<Edit> Find(MutationContext context) =>
        context.Nodes<BinaryExpressionSyntax>().Where(context.InConcurrencyMember).Select(node => node.OperatorToken.Kind() switch
        {
            SyntaxKind.LessThanToken => new Edit(node.OperatorToken.Span, "<=", node),
            SyntaxKind.LessThanEqualsToken => new Edit(node.OperatorToken.Span, "<", node),
            SyntaxKind.GreaterThanToken => new Edit(node.OperatorToken.Span, ">=", node),
            SyntaxKind.GreaterThanEqualsToken => new Edit(node.OperatorToken.Span, ">", node),
            _ => null,
        }).OfType<Edit>();
}

/// <summary>Ordinary (SDL): remove an expression statement (a call, an assignment, an increment).</summary>
public sealed class RemoveStatement : MutationOperator
{
    public override string ConMAn => "ordinary (SDL, statement deletion)";

    public override IEnumerable<Edit> Find(MutationContext context) =>
        context.Nodes<ExpressionStatementSyntax>().Where(context.InConcurrencyMember)
            .Where(statement => statement.Parent is BlockSyntax && !IsArgumentGuard(statement))
            .Select(statement => new Edit(statement.Span, "", statement));

    // ArgumentNullException.ThrowIfNull(x) and the like check arguments, not concurrency (ChangePermitCount still
    // mutates the bound of a limit's guard).
    private static bool IsArgumentGuard(ExpressionStatementSyntax statement) =>
        CallOf(statement) is { } call && Receiver(call).StartsWith("Argument", StringComparison.Ordinal) && Receiver(call).EndsWith("Exception", StringComparison.Ordinal);
}
