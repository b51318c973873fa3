using Katas.LockedCounter;

namespace Katas.Graders.LockedCounter;

public sealed class LockedCounterGrader
{
    private const string ReadNext =
        "exercises/04-locked-counter/README.md, and https://learn.microsoft.com/dotnet/csharp/language-reference/statements/lock";

    private static readonly TimeSpan s_runLimit = TimeSpan.FromSeconds(20);

    [Test, OnRealThreads]
    public void Each_operation_alone_counts_to_its_target()
    {
        var counter = new SharedCounter(3, 6);

        Bounded.Run(s_runLimit, "running FirstOperation alone", counter.FirstOperation).Should()
            .Be(3, "FirstOperation on a fresh counter counts x from 0 to its target");
        Bounded.Run(s_runLimit, "running SecondOperation after FirstOperation", counter.SecondOperation).Should()
            .Be(6, "SecondOperation then goes on from 3 to its own target");
        counter.X.Should().Be(6, "X reports the counter's current value");
    }

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
}
