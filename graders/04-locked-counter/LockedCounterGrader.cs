using Katas.LockedCounter;

namespace Katas.Graders.LockedCounter;

public sealed class LockedCounterGrader
{
    private const string ReadNext =
        "exercises/04-locked-counter/README.md, and https://learn.microsoft.com/dotnet/csharp/language-reference/statements/lock";

    private static readonly TimeSpan s_runLimit = TimeSpan.FromSeconds(20);

    [Test]
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
        for (var run = 1; run <= 3; run++)
        {
            var output = new CappedWriter();
            Bounded.Run(s_runLimit, "running LockedCounterProgram.Run at the lesson's size (3,000,000 and 6,000,000)",
                () => LockedCounterProgram.Run(output));

            var lines = output.Lines();
            lines.Should().HaveCount(2, "each of the two threads prints one line (run {0}; output was:\n{1})", run, output);
            lines.Should().Contain("6000000", "SecondOperation always finishes at 6000000 (run {0})", run);
            lines.Should().BeSubsetOf(["3000000", "6000000"],
                "with a lock, FirstOperation prints 3000000, or 6000000 if SecondOperation ran first; anything else " +
                "(like the lesson's 3058716) means the threads raced (run {0}). Read next: {1}", run, ReadNext);
        }
    }
}
