using System.Reflection;
using System.Text;

namespace Katas.Grading.Tests;

public sealed class CappedWriterTests
{
    [Test]
    public void Keeps_at_most_its_capacity_and_says_how_much_was_dropped()
    {
        var writer = new CappedWriter(capacity: 10);

        writer.Write("0123456789abcdef");
        writer.WriteLine("more");

        writer.Dropped.Should().Be(6 + 4 + Environment.NewLine.Length);
        writer.ToString().Should().StartWith("0123456789").And.Contain("more characters not kept");
    }

    [Test]
    public void Splits_what_it_kept_into_lines()
    {
        var writer = new CappedWriter();

        writer.WriteLine(3000000);
        writer.WriteLine(6000000);

        writer.Lines().Should().Equal("3000000", "6000000");
    }

    [Test]
    public void Keeps_lines_whole_when_threads_write_them_at_once()
    {
        var writer = new CappedWriter();

        Parallel.For(0, 4, thread =>
        {
            for (var line = 0; line < 500; line++)
            {
                writer.WriteLine($"thread {thread} line {line}");
            }
        });

        writer.Lines().Should().HaveCount(2000).And.OnlyContain(line => line.StartsWith("thread ") && line.IndexOf("thread", 1) < 0);
    }

    [Test]
    public void Keeps_printed_numbers_on_their_own_lines_when_threads_print_at_once()
    {
        var writer = new CappedWriter();

        Parallel.For(0, 4, thread =>
        {
            for (var line = 0; line < 500; line++)
            {
                writer.WriteLine(thread * 1000 + line);
                writer.WriteLine((object)(thread * 1000L + line));
                writer.WriteLine((ulong)(thread * 1000 + line));
                writer.WriteLine((float)(thread * 1000 + line));
                writer.WriteLine($"{thread * 1000 + line}".ToCharArray());
                writer.WriteLine(new StringBuilder().Append(thread * 1000 + line));
            }
        });

        writer.Lines().Should().HaveCount(12_000).And.OnlyContain(line => int.Parse(line) % 1000 < 500);
    }
}

public sealed class LineWriterTests
{
    private static readonly Dictionary<Type, object?> s_samples = new()
    {
        [typeof(string)] = "{0}",
        [typeof(object)] = 7,
        [typeof(object[])] = new object?[] { 7 },
        [typeof(char[])] = new[] { '7' },
        [typeof(StringBuilder)] = new StringBuilder("7"),
        [typeof(bool)] = true,
        [typeof(char)] = '7',
        [typeof(int)] = 0,
        [typeof(uint)] = 7u,
        [typeof(long)] = 7L,
        [typeof(ulong)] = 7ul,
        [typeof(float)] = 7f,
        [typeof(double)] = 7d,
        [typeof(decimal)] = 7m,
    };

    public static IEnumerable<MethodInfo> WriteLineOverloads() =>
        typeof(TextWriter).GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(method => method.Name == nameof(TextWriter.WriteLine) &&
                             method.GetParameters().All(parameter => !parameter.ParameterType.IsByRefLike));

    [TestCaseSource(nameof(WriteLineOverloads))]
    public void Every_WriteLine_overload_writes_its_line_in_one_call(MethodInfo overload)
    {
        var writer = new RecordingWriter();

        overload.Invoke(writer, overload.GetParameters().Select(parameter => s_samples[parameter.ParameterType]).ToArray());

        writer.Calls.Should().ContainSingle($"{overload} must write the value and the line's end together")
            .Which.Should().EndWith(Environment.NewLine);
    }

    [Test]
    public void The_span_overloads_write_their_line_in_one_call_too()
    {
        var writer = new RecordingWriter();

        writer.WriteLine("7".AsSpan());
        writer.WriteLine("{0}", (ReadOnlySpan<object?>)[7]);
        writer.Write("7".AsSpan());

        writer.Calls.Should().Equal("7" + Environment.NewLine, "7" + Environment.NewLine, "7");
    }

    [Test]
    public void Finds_every_WriteLine_overload_of_TextWriter() =>
        WriteLineOverloads().Count().Should().BeGreaterThanOrEqualTo(19, "TextWriter on .NET 10 has 19 WriteLine overloads without spans, and the check above must see them all");

    private sealed class RecordingWriter : LineWriter
    {
        public List<string> Calls { get; } = [];

        public override void Write(string? value) => Calls.Add(value ?? "");
    }
}

public sealed class BoundedTests
{
    [Test]
    public void Reports_code_that_never_finishes_as_timed_out()
    {
        using var never = new ManualResetEventSlim();

        var run = () => Bounded.Run(TimeSpan.FromMilliseconds(200), "waiting forever", () => never.Wait());

        run.Should().Throw<GradingTimeoutException>().WithMessage("Timed out after 0.2 s while waiting forever*waiting, not computing*deadlock*");
    }

    [Test]
    public void Reports_a_call_that_spins_as_an_endless_loop_not_a_deadlock()
    {
        var stop = false;

        var run = () => Bounded.Run(TimeSpan.FromSeconds(1), "counting", () =>
        {
            while (!Volatile.Read(ref stop))
            {
            }
        });

        try
        {
            run.Should().Throw<GradingTimeoutException>().WithMessage("Timed out after 1 s while counting*kept a core busy*endless loop*")
                .Which.Message.Should().NotContain("deadlock");
        }
        finally
        {
            Volatile.Write(ref stop, true);
        }
    }

    [Test]
    public void Passes_exceptions_of_the_code_through_unchanged()
    {
        var run = () => Bounded.Run(TimeSpan.FromSeconds(5), "throwing", () => throw new InvalidOperationException("boom"));

        run.Should().Throw<InvalidOperationException>().WithMessage("boom");
    }

    [Test]
    public void Catch_returns_what_the_code_threw_but_still_reports_a_time_out()
    {
        using var never = new ManualResetEventSlim();

        Bounded.Catch(TimeSpan.FromSeconds(5), "throwing", () => throw new InvalidOperationException("boom"))
            .Should().BeOfType<InvalidOperationException>().Which.Message.Should().Be("boom");
        Bounded.Catch(TimeSpan.FromSeconds(5), "returning", () => { }).Should().BeNull();
        var stuck = () => Bounded.Catch(TimeSpan.FromMilliseconds(200), "waiting forever", () => never.Wait());
        stuck.Should().Throw<GradingTimeoutException>();
    }

    [Test]
    public void Returns_the_result_of_code_that_finishes()
    {
        Bounded.Run(TimeSpan.FromSeconds(5), "adding", () => 2 + 2).Should().Be(4);
    }
}

public sealed class InvariantTests
{
    [Test]
    public void Outside_an_exploration_a_broken_invariant_throws_with_its_message()
    {
        var check = () => Invariant.Holds(false, "x ended at 5");

        check.Should().Throw<InvariantViolationException>().WithMessage("x ended at 5");
    }
}

public sealed class UncontrolledApiTests
{
    [Test]
    public void Finds_the_primitives_Coyote_cannot_see()
    {
        var found = UncontrolledApi.FindIn(typeof(UncontrolledApiTests)).Select(api => api.Api);

        found.Should().Contain(["System.Threading.Lock", "Thread.Name", "[MethodImpl(MethodImplOptions.Synchronized)]",
            "Parallel.For", "PLINQ (AsParallel)", "await foreach over .ConfigureAwait(false) or .WithCancellation"]);
        found.Should().NotContain(api => api.Contains("Monitor") || api.Contains("SemaphoreSlim"));
    }

    [Test]
    public void Looks_only_at_the_code_reachable_from_the_graded_type()
    {
        UncontrolledApi.FindIn(typeof(MonitorBuffer)).Should().BeEmpty("MonitorBuffer itself uses only Monitor");
        UncontrolledApi.FindIn(typeof(CollectionPipeline<>)).Select(api => api.Api).Should()
            .Equal(["System.Collections.Concurrent.BlockingCollection<T>"], "the generic pipeline uses it inside a lambda");
        UncontrolledApi.FindIn(typeof(CallsAHelper)).Select(api => api.Api).Should()
            .Contain("System.Threading.Lock", "a type of the same assembly that the graded type calls counts too");
    }

    private sealed class MonitorBuffer
    {
        private readonly object _gate = new();

        public void Wait()
        {
            lock (_gate)
            {
                Monitor.Wait(_gate);
            }
        }
    }

    private sealed class CollectionPipeline<T>
    {
        public Action Start(T item) => () =>
        {
            using var queue = new System.Collections.Concurrent.BlockingCollection<T>(1);
            queue.Add(item);
        };
    }

    private sealed class CallsAHelper
    {
        public static void Run() => LockHelper.Run();
    }

    private static class LockHelper
    {
        private static readonly Lock s_gate = new();

        public static void Run()
        {
            lock (s_gate)
            {
            }
        }
    }

    // Coyote's rewrite cannot follow the awaits of a ConfiguredCancelableAsyncEnumerable (see UncontrolledApi).
    internal static async Task AwaitsAConfiguredStream(IAsyncEnumerable<int> stream)
    {
        await foreach (var _ in stream.ConfigureAwait(false))
        {
        }
    }

    // Uses of the uncontrolled primitives, for the scan above to find in this very assembly.
    private static readonly Lock s_lock = new();
    private static readonly SemaphoreSlim s_semaphore = new(1, 1);

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.Synchronized)]
    internal static void UsesEverything()
    {
        lock (s_lock)
        {
            s_semaphore.Wait();
            _ = new Thread(() => { }) { Name = "named" };
            Parallel.For(0, 1, _ => { });
            _ = new[] { 1 }.AsParallel().ToList();
            s_semaphore.Release();
        }
    }
}

public sealed class ExplorationPlanTests
{
    [TestCase(100u)]
    [TestCase(30u)]
    [TestCase(7u)]
    [TestCase(1u)]
    public void The_strategies_share_the_budget_exactly_and_each_gets_an_early_turn(uint iterations)
    {
        var settings = new ExplorationSettings
        {
            Iterations = iterations,
            Strategies = [ExplorationStrategy.Random, ExplorationStrategy.Prioritization, ExplorationStrategy.DelayBounding],
        };

        var plan = settings.Plan();

        plan.Sum(leg => (long)leg.Iterations).Should().Be(iterations);
        plan.Should().OnlyContain(leg => leg.Iterations > 0);
        plan.Take(Math.Min(3, (int)iterations)).Select(leg => leg.Strategy).Should().OnlyHaveUniqueItems(
            "every strategy gets a short first turn before any gets a long one");
        settings.Plan().Should().Equal(plan, "the plan is deterministic");
    }

    [Test]
    public void A_second_turn_uses_the_next_seed_so_it_does_not_repeat_the_first()
    {
        var plan = ExplorationSettings.Default with
        {
            Strategies = [ExplorationStrategy.Random, ExplorationStrategy.Prioritization, ExplorationStrategy.DelayBounding],
        };

        plan.Plan().GroupBy(leg => leg.Strategy).Should().OnlyContain(turns => turns.Select(leg => leg.Seed).Distinct().Count() == turns.Count());
    }
}

public sealed class GraderThreadsTests
{
    [Test]
    public void A_broken_invariant_on_a_grader_thread_is_raised_after_the_join_not_in_the_thread()
    {
        var ran = 0;

        var run = () => GraderThreads.Run(TimeSpan.FromSeconds(10),
            () => Invariant.Holds(false, "consumer 2 took item 7 twice"),
            () => Interlocked.Increment(ref ran));

        run.Should().Throw<InvariantViolationException>().WithMessage("consumer 2 took item 7 twice");
        ran.Should().Be(1, "the other thread ran to its end");
    }

    [Test]
    public void An_exception_of_the_code_on_a_grader_thread_is_raised_in_the_students_terms()
    {
        var run = () => GraderThreads.Run(TimeSpan.FromSeconds(10), () => throw new InvalidOperationException("queue disposed"));

        run.Should().Throw<InvariantViolationException>().WithMessage("Your code threw InvalidOperationException*queue disposed*");
    }

    [Test]
    public void Threads_still_running_at_the_limit_are_reported_not_waited_for()
    {
        using var never = new ManualResetEventSlim();

        GraderThreads.Run(TimeSpan.FromMilliseconds(300), () => never.Wait(), () => { }).Should().BeFalse();
    }

    [Test]
    public void Threads_start_together()
    {
        // Each thread notes how many had arrived when it began its work: with a start gate, the last to begin sees all.
        var arrived = 0;
        var seen = new int[4];

        GraderThreads.Run(TimeSpan.FromSeconds(10), [.. Enumerable.Range(0, 4).Select<int, Action>(i => () =>
        {
            Interlocked.Increment(ref arrived);
            Thread.Sleep(50);
            seen[i] = Volatile.Read(ref arrived);
        })]).Should().BeTrue();

        seen.Should().OnlyContain(count => count == 4, "no thread finished its work before the others had begun");
    }
}

public sealed class RewriteCheckTests
{
    [Test]
    public void A_systematic_check_of_code_that_was_not_rewritten_is_a_grader_problem_never_a_pass()
    {
        // This suite's own assembly is not rewritten by `coyote rewrite`: Coyote would explore nothing in it.
        var check = new ConcurrencyCheck
        {
            KataType = typeof(RewriteCheckTests),
            Property = "nothing",
            Iteration = () => { },
            ReadNext = "-",
        };

        check.Invoking(c => c.Verify()).Should().Throw<InvalidOperationException>().WithMessage("Grader problem*not rewritten*");
    }
}

public sealed class DecidedByTests
{
    [TestCase("Coyote explored 100 interleavings (Random, seed 1): \"x\" held in every one.", "coyote")]
    [TestCase("\"x\" is broken.\nCoyote found this in interleaving 3 of up to 100 (strategy Random).", "coyote")]
    [TestCase("Coyote reported a deadlock, but a wait may time out; checking with real threads instead.\n200 stress runs on real threads: \"x\" held in every one.", "stress")]
    [TestCase("\"x\" is broken.\nFound in stress run 12 on real threads.", "stress")]
    [TestCase("Speedup 1.9 with 2 workers.", "real threads")]
    public void Tells_how_a_check_was_decided_from_what_it_printed(string said, string how) =>
        DecidedBy.How(said).Should().Be(how);
}
