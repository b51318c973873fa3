using Katas.LockedCounter;

namespace Katas.Graders.LockedCounter;

/// <summary>
/// What one concurrent run of the two operations produced, and whether that could have come from
/// running them one after the other (the only outcomes a correctly locked counter can give).
/// </summary>
internal sealed record CounterOutcome(int FirstTarget, int SecondTarget, int FirstReturned, int SecondReturned, int FinalX)
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Runs both operations on two new threads started together, as the lesson did (on real threads through
    /// GraderThreads' start gate: two threads started one after the other raced 0 times in 10,000 runs at 30,000/60,000,
    /// the second starting after the first had finished).
    /// </summary>
    public static CounterOutcome RunConcurrently(int firstTarget, int secondTarget)
    {
        var counter = new SharedCounter(firstTarget, secondTarget);
        int firstReturned = 0, secondReturned = 0;
        var finished = GraderThreads.Run(s_limit,
            () => firstReturned = counter.FirstOperation(),
            () => secondReturned = counter.SecondOperation());
        Invariant.Holds(finished, NotFinished(firstTarget, secondTarget));
        return new CounterOutcome(firstTarget, secondTarget, firstReturned, secondReturned, counter.X);
    }

    private static string NotFinished(int firstTarget, int secondTarget) =>
        $"FirstOperation and SecondOperation, started together on two threads (targets {firstTarget} and {secondTarget}), " +
        $"did not both return within {s_limit.TotalSeconds:0} s: a thread waits for a lock that is never released, or loops for ever.";

    /// <summary>States, in the student's terms, why this outcome is impossible without a race.</summary>
    public void MustBeSequential()
    {
        Invariant.Holds(FinalX >= SecondTarget,
            $"x ended at {FinalX}, but SecondOperation only stops once x reaches {SecondTarget}. After it got there, the other " +
            $"thread wrote an older value of x back: increments were lost. `x++` is three steps (read x, add 1, write x); when " +
            $"two threads both read the same x, say {FirstTarget - 1}, and both write {FirstTarget}, one increment disappears. " +
            "That is a lost update. (Or an operation set x back: each operation counts up from where x is, never from 0 again.)");
        Invariant.Holds(FinalX <= SecondTarget,
            $"x ended at {FinalX}, past the highest target {SecondTarget}. A thread checked `x < target`, then the other " +
            "thread incremented, and the first one incremented anyway on its out-of-date check. The check and the " +
            "increment must happen under the same lock, with no gap in between.");
        Invariant.Holds(FirstReturned == FirstTarget || FirstReturned == SecondTarget,
            $"FirstOperation returned {FirstReturned}. Run alone it returns {FirstTarget}; run after SecondOperation it " +
            $"returns {SecondTarget}. Any other value means the other thread changed x while FirstOperation was still " +
            "counting or reading its result (the lesson's 3058716). The whole operation, the loop and the returned value, " +
            "must run under one lock so that the other thread waits.");
        Invariant.Holds(SecondReturned == SecondTarget,
            $"SecondOperation returned {SecondReturned}; it counts until x reaches {SecondTarget}, so it must return " +
            $"{SecondTarget}. The other thread changed x between SecondOperation's loop and its return: the loop and " +
            "the returned value must run under one lock.");
    }
}
