using Katas.Mutation;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Katas.Grading.Tests;

/// <summary>
/// bench/Mutation's operators on small snippets: what each one makes, that the mutants it promises to type-check
/// do, and that mutant ids stay the same when nothing about the mutant changed. No grader runs here.
/// </summary>
public sealed class MutationOperatorTests
{
    private const string Counter = """
        public sealed class Counter
        {
            private readonly object _gate = new();
            private int _x;

            public int Next()
            {
                lock (_gate)
                {
                    _x++;
                    return _x;
                }
            }
        }
        """;

    [Test]
    public void RemoveLock_keeps_the_body()
    {
        Replacements<RemoveLock>(Counter).Should().Equal("{ _x++; return _x; }");
    }

    [Test]
    public void LockOnNewObject_locks_a_fresh_object()
    {
        Replacements<LockOnNewObject>(Counter).Should().Equal("new object()");
    }

    [Test]
    public void ExchangeLockObjects_swaps_the_lock_fields_of_a_class()
    {
        const string Source = """
            class Two
            {
                private readonly object _a = new(), _b = new();
                private int _x, _y;
                void A() { lock (_a) { _x++; } }
                void B() { lock (_b) { _y++; } }
            }
            """;
        Replacements<ExchangeLockObjects>(Source).Should().Equal("_b", "_a");
        Mutated<ExchangeLockObjects>(Source)[0].Should().Contain("void A() { lock (_b) { _x++; } }");
        Replacements<ExchangeLockObjects>(Counter).Should().BeEmpty("one lock object: nothing to exchange");
    }

    [Test]
    public void ShrinkCriticalRegion_moves_the_first_or_the_last_statement_out()
    {
        Replacements<ShrinkCriticalRegion>(Method("lock (_gate) { A(); B(); C(); }")).Should().BeEquivalentTo(
            "A(); lock (_gate) { B(); C(); }",
            "lock (_gate) { A(); B(); } C();");
    }

    [Test]
    public void ShiftCriticalRegion_moves_the_boundary_by_one_statement_either_way()
    {
        Replacements<ShiftCriticalRegion>(Method("Before(); lock (_gate) { A(); B(); } After();")).Should().BeEquivalentTo(
            "lock (_gate) { Before(); A(); } B();",
            "A(); lock (_gate) { B(); After(); }");
    }

    [Test]
    public void SplitCriticalRegion_makes_two_regions_around_the_middle()
    {
        Replacements<SplitCriticalRegion>(Method("lock (_gate) { A(); B(); C(); D(); }")).Should().Equal(
            "lock (_gate) { A(); B(); } lock (_gate) { C(); D(); }");
    }

    [Test]
    public void ExpandCriticalRegion_takes_in_the_statement_after_and_the_one_before()
    {
        Replacements<ExpandCriticalRegion>(Method("Before(); lock (_gate) { A(); } After();")).Should().BeEquivalentTo(
            "lock (_gate) { A(); After(); }",
            "lock (_gate) { Before(); A(); }");
    }

    [Test]
    public void ExchangeLockOrder_swaps_nested_locks_Monitor_Enter_pairs_ordered_pairs_and_OrderBy()
    {
        Replacements<ExchangeLockOrder>(Method("lock (a) { lock (b) { A(); } }", "object a, object b")).Should().Equal("lock (b) { lock (a) { A(); } }");
        Replacements<ExchangeLockOrder>(Method("Monitor.Enter(a); Monitor.Enter(b);", "object a, object b")).Should().Equal("Monitor.Enter(b); Monitor.Enter(a);");
        Replacements<ExchangeLockOrder>(Method("var (x, y) = a.GetHashCode() < b.GetHashCode() ? (a, b) : (b, a); lock (x) { lock (y) { } }", "object a, object b"))
            .Should().BeEquivalentTo("a.GetHashCode() < b.GetHashCode() ? (b, a) : (a, b)", "lock (y) { lock (x) { } }");
        Replacements<ExchangeLockOrder>(Method("foreach (var o in all.OrderBy(x => x.GetHashCode())) { Monitor.Enter(o); }", "object[] all"))
            .Should().Equal("OrderByDescending");
    }

    [Test]
    public void RemoveFinallyAroundRelease_releases_after_the_body_instead()
    {
        Replacements<RemoveFinallyAroundRelease>(Method("_slots.Wait(); try { A(); } finally { _slots.Release(); }"))
            .Should().Equal("{ A(); } _slots.Release();");
    }

    [Test]
    public void Release_calls_are_removed_or_doubled_also_in_expression_bodies()
    {
        const string Source = """
            class Throttle
            {
                private readonly SemaphoreSlim _slots = new(2, 2);
                public void Exit() => _slots.Release();
                public void Leave(object gate) { Monitor.Exit(gate); }
            }
            """;
        Replacements<RemoveReleaseCall>(Source).Should().BeEquivalentTo("{ }", "");
        Replacements<DuplicateReleaseCall>(Source).Should().BeEquivalentTo(
            "{ _slots.Release(); _slots.Release(); }", "Monitor.Exit(gate); Monitor.Exit(gate);");
        Replacements<RemoveAcquireCall>(Method("Monitor.Enter(_gate); Monitor.Exit(_gate);")).Should().Equal("");
        Replacements<RemoveReleaseCall>(Method("Environment.Exit(1);")).Should().BeEmpty("Environment.Exit is no release");
    }

    [Test]
    public void PulseAll_becomes_Pulse_notifications_can_be_removed_and_a_wait_loop_becomes_an_if()
    {
        const string Buffer = "lock (_gate) { while (_x == 0) { Monitor.Wait(_gate); } _x--; Monitor.PulseAll(_gate); }";
        Replacements<PulseAllToPulse>(Method(Buffer)).Should().Equal("Pulse");
        Replacements<RemoveNotifyCall>(Method(Buffer)).Should().Equal("");
        Mutated<WaitLoopToIf>(Method(Buffer)).Should().ContainSingle().Which.Should().Contain("if (_x == 0) { Monitor.Wait(_gate); }");
        Replacements<WaitLoopToIf>(Method("while (_x == 0) { _x++; }")).Should().BeEmpty("the loop does not wait");
    }

    [Test]
    public void RemoveJoinOrWait_removes_joins_and_makes_awaits_fire_and_forget()
    {
        Replacements<RemoveJoinOrWait>(Method("var t = new Thread(() => { }); t.Start(); t.Join();")).Should().Equal("");
        Replacements<RemoveJoinOrWait>("class C { async Task Both(Task a, Task b) { await Task.WhenAll(a, b); } }").Should().Equal("_ = Task.WhenAll(a, b);");
    }

    [Test]
    public void JoinInStartLoop_joins_each_thread_right_after_starting_it()
    {
        const string Loops = "foreach (var t in threads) { t.Start(); } foreach (var u in threads) { u.Join(); }";
        Replacements<JoinInStartLoop>(Method(Loops, "List<Thread> threads")).Should().Equal("foreach (var t in threads) { t.Start(); t.Join(); }");
        Replacements<JoinInStartLoop>(Method("a.Start(); b.Start(); a.Join(); b.Join();", "Thread a, Thread b")).Should().Equal("a.Start(); a.Join(); b.Start();");
    }

    [Test]
    public void AtomicToNonAtomic_replaces_Interlocked_and_Volatile_with_plain_access()
    {
        Replacements<AtomicToNonAtomic>(Method("Interlocked.Increment(ref _x); var y = Interlocked.Decrement(ref _x);")).Should().BeEquivalentTo("++_x", "(--_x)");
        Replacements<AtomicToNonAtomic>(Method("Interlocked.Add(ref _x, 5); Interlocked.Exchange(ref _x, 2);")).Should().BeEquivalentTo("_x += 5", "_x = 2");
        Replacements<AtomicToNonAtomic>(Method("Interlocked.CompareExchange(ref _x, 1, 0);")).Should().Equal("if (_x == 0) { _x = 1; }");
        Replacements<AtomicToNonAtomic>(Method("var y = Interlocked.CompareExchange(ref _x, 1, 0);")).Should().Equal("(_x == 0 ? (_x = 1, 0).Item2 : _x)");
        Replacements<AtomicToNonAtomic>(Method("var y = Volatile.Read(ref _x); Volatile.Write(ref _x, 3);")).Should().BeEquivalentTo("_x", "_x = 3");
        Stillborn<AtomicToNonAtomic>(Method("Interlocked.Increment(ref _x); var y = Interlocked.CompareExchange(ref _x, 1, 0);")).Should().BeEmpty();
    }

    [Test]
    public void RemoveVolatile_drops_the_keyword()
    {
        Mutated<RemoveVolatile>("class C { private volatile bool _done; }").Should().Equal("class C { private bool _done; }");
    }

    [Test]
    public void ChangePermitCount_adds_and_takes_one_but_never_below_zero()
    {
        Replacements<ChangePermitCount>(Method("var s = new SemaphoreSlim(2, 2);")).Should().BeEquivalentTo("3", "1", "3", "1");
        Replacements<ChangePermitCount>(Method("var s = new SemaphoreSlim(0, 1);")).Should().BeEquivalentTo("1", "2", "0");
        Replacements<ChangePermitCount>(Method("var o = new ParallelOptions { MaxDegreeOfParallelism = limit };", "int limit"))
            .Should().BeEquivalentTo("(limit + 1)", "(limit - 1)");
        Replacements<ChangePermitCount>(Method("ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1); while (_x >= capacity) { }", "int capacity"))
            .Should().BeEquivalentTo("0", "2", "(capacity + 1)", "(capacity - 1)");
    }

    [Test]
    public void ChangeTimeout_makes_time_outs_zero_and_infinite()
    {
        Replacements<ChangeTimeout>(Method("_slots.Wait(TimeSpan.FromSeconds(1));")).Should().BeEquivalentTo("TimeSpan.Zero", "Timeout.InfiniteTimeSpan");
        Replacements<ChangeTimeout>(Method("Thread.Sleep(100);")).Should().BeEquivalentTo("0", "Timeout.Infinite");
        Stillborn<ChangeTimeout>(Method("_slots.Wait(TimeSpan.FromSeconds(1)); Thread.Sleep(100); Task.Delay(5).Wait();")).Should().BeEmpty();
    }

    [Test]
    public void DropCancellation_passes_None_and_stops_checking()
    {
        Replacements<DropCancellation>("class C { async Task Nap(CancellationToken token) { token.ThrowIfCancellationRequested(); await Task.Delay(100, token); } }")
            .Should().BeEquivalentTo("", "CancellationToken.None");
    }

    [Test]
    public void ThreadToPoolTask_runs_the_thread_body_on_a_pool_task_and_type_checks()
    {
        var source = Method("var t = new Thread(() => A()); t.Start(); t.Join();");
        Mutated<ThreadToPoolTask>(source).Should().ContainSingle().Which.Should().Contain("var t = new Task(() => A()); t.Start(); t.Wait();");
        Stillborn<ThreadToPoolTask>(source).Should().BeEmpty();
    }

    [Test]
    public void TaskToDirectCall_runs_the_work_on_the_calling_thread_and_type_checks()
    {
        const string Source = """
            class C
            {
                static int Compute() => 42;
                static void Work() { }
                Task<int> Value() => Task.Run(() => Compute());
                Task Action() => Task.Run(() => Work());
            }
            """;
        Replacements<TaskToDirectCall>(Source).Should().BeEquivalentTo(
            "Task.FromResult(((Func<int>)(() => Compute()))())",
            "((Func<Task>)(() => { ((Action)(() => Work()))(); return Task.CompletedTask; }))()");
        Stillborn<TaskToDirectCall>(Source).Should().BeEmpty();
    }

    [Test]
    public void Ordinary_operators_mutate_concurrency_code_only()
    {
        const string Source = """
            class C
            {
                private readonly object _gate = new();
                private int _x;
                int Plain(int n) { if (n < 3) { n++; } return n; }
                int Locked(int n) { lock (_gate) { if (_x < n) { _x++; } return _x; } }
            }
            """;
        Mutated<NegateCondition>(Source).Should().ContainSingle().Which.Should().Contain("if (!(_x < n))");
        Mutated<RelationalBoundary>(Source).Should().ContainSingle().Which.Should().Contain("if (_x <= n)");
        Replacements<RemoveStatement>(Source).Should().Equal("");
        Mutated<RemoveStatement>(Source).Single().Should().Contain("if (n < 3) { n++; }", "Plain has no concurrency: left alone");
        Replacements<RemoveStatement>(Method("ArgumentNullException.ThrowIfNull(_gate); Monitor.Enter(_gate);")).Should().Equal(new[] { "" }, "argument guards are not mutated");
    }

    [Test]
    public void Two_operators_making_the_same_text_give_one_mutant_named_by_the_first()
    {
        var mutants = MutantGenerator.Generate([new SourceFile("T.cs", Method("Monitor.Enter(_gate); try { A(); } finally { Monitor.Exit(_gate); }"))]);
        mutants.Where(m => m.Mutated == "").Select(m => m.Operator).Should().BeEquivalentTo("RemoveReleaseCall", "RemoveAcquireCall", "RemoveStatement");
        mutants.Select(m => m.Id).Should().OnlyHaveUniqueItems();
    }

    [Test]
    public void Mutant_ids_are_file_line_operator_and_a_hash_of_the_change_and_do_not_depend_on_other_operators()
    {
        var all = MutantGenerator.Generate([new SourceFile("Counter.cs", Counter)]);
        var again = MutantGenerator.Generate([new SourceFile("Counter.cs", Counter)]);
        var alone = MutantGenerator.Generate([new SourceFile("Counter.cs", Counter)], [new RemoveLock()]);

        again.Select(m => m.Id).Should().Equal(all.Select(m => m.Id));
        alone.Single().Id.Should().MatchRegex(@"^Counter\.cs:8:RemoveLock:[0-9a-f]{6}$");
        all.Should().Contain(m => m.Id == alone.Single().Id);
        all.Select(m => m.Id).Should().OnlyHaveUniqueItems();
    }

    [Test]
    public void A_mutant_keeps_its_hash_when_code_above_it_moves_it_down_and_its_id_when_code_elsewhere_changes()
    {
        var before = MutantGenerator.Generate([new SourceFile("Counter.cs", Counter)], [new RemoveLock()]).Single();
        var shifted = MutantGenerator.Generate([new SourceFile("Counter.cs", "// a new first line\n" + Counter)], [new RemoveLock()]).Single();
        var elsewhere = MutantGenerator.Generate([new SourceFile("Counter.cs", Counter.Replace("private int _x;", "private int _x; // counted", StringComparison.Ordinal))], [new RemoveLock()]).Single();

        shifted.Id.Should().Be(before.Id.Replace(":8:", ":9:", StringComparison.Ordinal));
        elsewhere.Id.Should().Be(before.Id);
    }

    [Test]
    public void The_one_line_diff_shows_the_changed_lines()
    {
        var mutant = MutantGenerator.Generate([new SourceFile("Counter.cs", Counter)], [new LockOnNewObject()]).Single();
        mutant.Diff.Should().Be("lock (_gate) -> lock (new object())");
    }

    [Test]
    public void Listed_equivalents_mark_survivors_and_stale_entries_are_reported()
    {
        var report = new KataReport
        {
            Mutants =
            [
                new MutantResult { Id = "A.cs:1:RemoveLock:aaaaaa", Status = Katas.Mutation.Status.Survived },
                new MutantResult { Id = "A.cs:2:RemoveLock:bbbbbb", Status = Katas.Mutation.Status.Killed },
            ],
        };
        KataRun.ApplyEquivalents(report, new Dictionary<string, string>
        {
            ["A.cs:1:RemoveLock:aaaaaa"] = "reads one int",
            ["A.cs:2:RemoveLock:bbbbbb"] = "was thought equivalent",
            ["A.cs:9:RemoveLock:cccccc"] = "gone",
        });

        report.Mutants[0].Status.Should().Be(Katas.Mutation.Status.Equivalent);
        report.StaleEquivalents.Select(s => (s.Id, s.Problem)).Should().BeEquivalentTo(
            [("A.cs:2:RemoveLock:bbbbbb", "the mutant is killed now"), ("A.cs:9:RemoveLock:cccccc", "no such mutant any more")]);
        report.Score.Should().Be(1.0, "killed / (total - stillborn - equivalent)");
    }

    // ---- helpers ----

    /// <summary>A class with a lock field, an int and one method holding <paramref name="body"/>.</summary>
    private static string Method(string body, string parameters = "") => $$"""
        class C
        {
            private readonly object _gate = new();
            private readonly SemaphoreSlim _slots = null!;
            private int _x;
            static void A() { }
            static void B() { }
            static void C2() { }
            static void D() { }
            static void Before() { }
            static void After() { }
            void M({{parameters}})
            {
                {{body.Replace("C();", "C2();", StringComparison.Ordinal)}}
            }
        }
        """;

    private static List<Mutant> Generate<T>(string source)
        where T : MutationOperator, new() => [.. MutantGenerator.Generate([new SourceFile("T.cs", source)], [new T()])];

    /// <summary>The replacement texts, whitespace collapsed.</summary>
    private static List<string> Replacements<T>(string source)
        where T : MutationOperator, new() =>
        [.. Generate<T>(source).Select(m => Mutant.Collapse(m.Mutated.Replace("C2();", "C();", StringComparison.Ordinal)))];

    /// <summary>The whole mutated sources, whitespace collapsed.</summary>
    private static List<string> Mutated<T>(string source)
        where T : MutationOperator, new() =>
        [.. Generate<T>(source).Select(m => Mutant.Collapse(m.ApplyTo(source)))];

    /// <summary>The ids of the mutants that do not compile (against the framework, with the SDK's implicit Usings).</summary>
    private static List<string> Stillborn<T>(string source)
        where T : MutationOperator, new() =>
        [.. Generate<T>(source).Where(m => !Compiles(m.ApplyTo(source))).Select(m => m.Id)];

    private static bool Compiles(string source)
    {
        const string Usings = "global using System; global using System.Collections.Generic; global using System.Linq; global using System.Threading; global using System.Threading.Tasks;";
        var compilation = CSharpCompilation.Create("Snippet",
            [CSharpSyntaxTree.ParseText(source, MutantGenerator.ParseOptions), CSharpSyntaxTree.ParseText(Usings, MutantGenerator.ParseOptions)],
            MutantGenerator.FrameworkReferences,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        using var stream = new MemoryStream();
        return compilation.Emit(stream).Success;
    }
}
