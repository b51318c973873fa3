using Katas.LockedCounter;

namespace Katas.Graders.LockedCounter;

public sealed class LockedCounterGrader
{
    private const string ReadNext =
        "exercises/04-locked-counter/README.md, and https://learn.microsoft.com/dotnet/csharp/language-reference/statements/lock";

    private static readonly TimeSpan s_runLimit = TimeSpan.FromSeconds(20);

    // How long the first thread to print waits for the other one's line (real threads). The other thread has at most
    // its own operation left to run, 30,000 increments in the stress runs: milliseconds, seconds on a machine under load.
    private static readonly TimeSpan s_printPatience = TimeSpan.FromSeconds(10);

    // Stress runs, used only when the code locks with something Coyote cannot see (a [MethodImpl(Synchronized)] method,
    // a SpinLock, a Mutex...; System.Threading.Lock is compiled as a controlled twin and gets Coyote, see
    // graders/Katas.Grading/Twins/Lock.cs). A lock around `_x++` only shows its race in a run of RunConcurrently(30,000,
    // 60,000) only while both threads run: on a quiet machine in about 95 of 200 runs, with four busy loops on the two
    // cores in 4-21 of 200, as few as the 13-35 runs whose threads overlapped at all; CI once saw none in 200. So that
    // check counts only runs whose threads overlapped (StressRunsMustOverlap). The result read just after the lock block
    // showed in 0 of 200 (0.008% of 40,000 rounds aligned to start together at 30/60): a race of a few instructions is
    // Coyote's to find, not real threads'.
    private const int StressRunCount = 200;

    [Test, OnRealThreads]
    public void A_fresh_counter_starts_at_zero_with_the_lesson_targets()
    {
        var lesson = new SharedCounter();
        Must(lesson.FirstTarget == 3_000_000 && lesson.SecondTarget == 6_000_000,
            $"new SharedCounter() has FirstTarget {lesson.FirstTarget} and SecondTarget {lesson.SecondTarget}; the constructor's " +
            "defaults are the lesson's targets, 3,000,000 and 6,000,000.");
        var x = Call("reading X of a new SharedCounter()", () => lesson.X);
        Must(x == 0, $"X of a new SharedCounter() is {x}; x starts at 0, as the lesson's `x = 0`, and X reports its current value.");

        var small = new SharedCounter(3, 6);
        Must(small.FirstTarget == 3 && small.SecondTarget == 6,
            $"new SharedCounter(3, 6) has FirstTarget {small.FirstTarget} and SecondTarget {small.SecondTarget}, not 3 and 6.");
    }

    [Test, OnRealThreads]
    public void Each_operation_alone_counts_to_its_target()
    {
        // Every call on a thread of its own (Bounded.Run starts one): a lock that a call leaves held stops the next one.
        var counter = new SharedCounter(3, 6);

        var first = Call("running FirstOperation alone", counter.FirstOperation);
        Must(first == 3, $"FirstOperation on a fresh SharedCounter(3, 6) returned {first}; it counts x from 0 up to its target 3 " +
            "and returns the value x finished at, 3.");
        var x = Call("reading X after FirstOperation", () => counter.X);
        Must(x == 3, $"After FirstOperation, X is {x}; X reports the current value of x, which FirstOperation left at 3.");
        var second = Call("running SecondOperation after FirstOperation (on another thread)", counter.SecondOperation);
        Must(second == 6, $"SecondOperation, run after FirstOperation, returned {second}; it goes on from 3 up to its target 6.");
        x = Call("reading X after both operations", () => counter.X);
        Must(x == 6, $"After both operations, X is {x}; X reports the current value of x, which SecondOperation left at 6.");
    }

    [Test, OnRealThreads]
    public void SecondOperation_first_leaves_FirstOperation_nothing_to_count()
    {
        var counter = new SharedCounter(3, 6);

        var second = Call("running SecondOperation on a fresh counter", counter.SecondOperation);
        Must(second == 6, $"SecondOperation on a fresh SharedCounter(3, 6) returned {second}; it counts x from 0 up to 6.");
        var first = Call("running FirstOperation after SecondOperation (on another thread)", counter.FirstOperation);
        var x = Call("reading X after SecondOperation, then FirstOperation", () => counter.X);
        Must(first == 6 && x == 6,
            $"SecondOperation counted x to 6; then FirstOperation returned {first} and left x at {x}. x is already past " +
            "FirstOperation's target 3, so `while (x < 3)` does not run once: FirstOperation returns the value x is at, 6, and " +
            "x stays 6 (the lesson's result when second_operation happens to run first). An operation counts up from where x " +
            "is; it never starts again from 0 or sets x to its target.");
    }

    [Test, OnRealThreads]
    public void Operations_run_again_on_the_same_counter_count_no_further()
    {
        var counter = new SharedCounter(3, 6);
        Call("running FirstOperation, then SecondOperation", () => counter.FirstOperation() + counter.SecondOperation());

        var first = Call("running FirstOperation a second time (x is 6)", counter.FirstOperation);
        var second = Call("running SecondOperation a second time (x is 6)", counter.SecondOperation);
        var x = Call("reading X after running both operations twice", () => counter.X);
        Must(first == 6 && second == 6 && x == 6,
            $"After FirstOperation and SecondOperation had counted x to 6, running them again returned {first} and {second} " +
            $"and left x at {x}. x is already at both targets: a second run counts nothing, returns 6 and leaves x at 6. The " +
            "operations count up to a target, they do not add a number of increments or start over.");
    }

    private static int Call(string what, Func<int> member) => Bounded.Run(s_runLimit, what, member);

    private static void Must(bool holds, string message)
    {
        if (!holds)
        {
            Assert.Fail($"{message}\nRead next: {ReadNext}");
        }
    }

    [Core]
    [Test]
    public void Operations_on_two_threads_never_race()
    {
        new ConcurrencyCheck
        {
            KataType = typeof(SharedCounter),
            Property = "two threads running the operations give the same results as running them one after the other",
            // The lesson's program a million times smaller: every interleaving of 9 increments is within reach.
            Iteration = () => CounterOutcome.RunConcurrently(3, 6).MustBeSequential(),
            StressIteration = () => CounterOutcome.RunConcurrently(30_000, 60_000).MustBeSequential(),
            StressRuns = StressRunCount,
            // Code Coyote cannot see (a [MethodImpl(Synchronized)] increment) races only while both threads run.
            StressRunsMustOverlap = true,
            ReadNext = ReadNext,
        }.Verify();
    }

    [Core]
    [Test]
    public void X_read_while_the_operations_run_shows_a_value_of_x()
    {
        var runs = new Scene<ReadsDuringOperations>();
        new ConcurrencyCheck
        {
            KataType = typeof(SharedCounter),
            Property = "X, read on a third thread while both operations run, shows a value x had and disturbs nothing",
            Iteration = () => ReadsDuringOperations.Run(runs, 3, 6).MustShowOnlyValuesOfX(),
            StressIteration = () => ReadsDuringOperations.Run(runs, 30_000, 60_000).MustShowOnlyValuesOfX(),
            ExplainDeadlock = ReadsDuringOperations.ExplainDeadlock(runs),
            ReadNext = ReadNext,
        }.Verify();
    }

    [Test]
    public void The_lesson_program_runs_the_operations_on_two_threads_at_once()
    {
        var printers = new Scene<PrintingThreads>();
        new ConcurrencyCheck
        {
            KataType = typeof(SharedCounter),
            Property = "LockedCounterProgram.Run starts both operations on two threads at the same time, and each thread prints its result",
            Iteration = () => ProgramPrintsFromTwoThreads(printers, 3, 6),
            StressIteration = () => ProgramPrintsFromTwoThreads(printers, 30, 60),
            // The property does not depend on timing: a program that runs one operation after the other does so every time.
            StressRuns = 3,
            StressTimeLimit = s_printPatience + s_runLimit,
            ExplainDeadlock = printers.Explain(
                output => LonePrinter(output, "while that thread waited"), "Deadlock: LockedCounterProgram.Run never returned."),
            ReadNext = ReadNext,
        }.Verify();
    }

    [Test]
    public void The_lesson_program_prints_the_lesson_values()
    {
        // Coyote first, at targets where it reaches every interleaving, so that racing or deadlocking code fails this
        // check on every run. On real threads a race shows or not by chance (whether the second thread started before
        // the first had finished), and a grade must not change when the same code is graded again.
        new ConcurrencyCheck
        {
            KataType = typeof(SharedCounter),
            Property = "LockedCounterProgram prints the values a locked counter gives",
            Iteration = () => ProgramPrintsLockedValues(3, 6),
            StressIteration = () => ProgramPrintsLockedValues(30_000, 60_000),
            ReadNext = ReadNext,
        }.Verify();

        // Then the lesson's own size on real threads, which only locked code reaches.
        RealThreads.Run(LessonSizeRuns);
    }

    private static void LessonSizeRuns()
    {
        for (var run = 1; run <= 3; run++)
        {
            Bounded.Run(s_runLimit, "running LockedCounterProgram.Run at the lesson's size (3,000,000 and 6,000,000)",
                () => ProgramPrintsLockedValues(3_000_000, 6_000_000));
        }
    }

    private static void ProgramPrintsLockedValues(int firstTarget, int secondTarget)
    {
        var output = new CappedWriter();
        LockedCounterProgram.Run(output, firstTarget, secondTarget);

        var lines = output.Lines();
        var printed = lines.Count == 0 ? "nothing" : string.Join(" and ", lines);
        Invariant.Holds(lines.Count == 2,
            $"LockedCounterProgram.Run with targets {firstTarget} and {secondTarget} printed {printed}: each of its two threads " +
            "prints one line.");
        Invariant.Holds(lines.Contains($"{secondTarget}") && lines.All(line => line == $"{firstTarget}" || line == $"{secondTarget}"),
            $"LockedCounterProgram.Run with targets {firstTarget} and {secondTarget} printed {printed}. With a lock, " +
            $"FirstOperation prints {firstTarget} (or {secondTarget} if SecondOperation ran first) and SecondOperation prints " +
            $"{secondTarget}; any other value means the two threads raced, like the lesson's 3058716.");
    }

    private static void ProgramPrintsFromTwoThreads(Scene<PrintingThreads> printers, int firstTarget, int secondTarget)
    {
        var output = printers.Play(new PrintingThreads(s_printPatience));
        LockedCounterProgram.Run(output, firstTarget, secondTarget);

        var lines = output.Lines();
        Invariant.Holds(!output.WaitedInVain, LonePrinter(output, $"within {s_printPatience.TotalSeconds:0} s"));
        Invariant.Holds(lines.Count == 2,
            $"LockedCounterProgram.Run with targets {firstTarget} and {secondTarget} printed {lines.Count} line(s) " +
            $"({Printed(lines)}): each of its two threads prints the value its operation finished at, one line each.");
        Invariant.Holds(lines.Select(entry => entry.Thread).Distinct().Count() == 2,
            $"LockedCounterProgram.Run printed {Printed(lines)}, both from one thread. Each operation runs on a thread of its " +
            "own, and that thread prints what its operation returned, as the lesson's threads did.");
    }

    private static string LonePrinter(PrintingThreads output, string when)
    {
        var lines = output.Lines();
        if (lines.Count == 0)
        {
            return "Deadlock: LockedCounterProgram.Run printed nothing and never returned: both operations' threads were waiting, " +
                "for a lock that no thread would ever release (a lock taken and not released on some path?).";
        }

        return $"LockedCounterProgram.Run printed {Printed(lines)} on one thread, and no other thread printed anything {when}: the " +
            "grader held that first printer until a line came from another thread, and none could come. So the two operations " +
            "did not run on two threads at the same time: Run started the second thread only after the first had finished " +
            "(Start, Join, Start, Join), or printed both results from one thread. Start both threads first, then join both, " +
            "and let each thread print the value its operation returned, as the lesson's program does.";
    }

    private static string Printed(IReadOnlyList<(string Line, int Thread)> lines) =>
        lines.Count == 0 ? "nothing" : string.Join(" and ", lines.Select(entry => $"\"{entry.Line}\""));
}
