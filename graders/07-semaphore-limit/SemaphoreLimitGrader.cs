using Katas.SemaphoreLimit;

namespace Katas.Graders.SemaphoreLimit;

public sealed class SemaphoreLimitGrader
{
    private const string ReadNext =
        "exercises/07-semaphore-limit/README.md, and https://learn.microsoft.com/dotnet/api/system.threading.semaphoreslim";

    private const int Limit = 2;

    private static readonly TimeSpan s_runLimit = TimeSpan.FromSeconds(20);

    /// <summary>How long a single call may block before a correct throttle would certainly have returned.</summary>
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(3);

    /// <summary>The workers of the schedule Coyote explored last: when it reports a deadlock, they say who was stuck where.</summary>
    private Workers? _last;

    [Test, OnRealThreads]
    public void A_throttle_runs_the_work_and_returns_its_result()
    {
        var throttle = Bounded.Run(s_runLimit, "creating a Throttle(3)", () => new Throttle(3));
        Bounded.Run(s_runLimit, "reading Limit of a Throttle(3)", () => throttle.Limit).Should()
            .Be(3, "Limit is the limit the throttle was made with");

        Bounded.Run(s_runLimit, "calling Run<T>(() => 42) on a new Throttle(3)", () => throttle.Run(() => 42)).Should()
            .Be(42, "Run<T> returns what the work returned. Read next: {0}", ReadNext);

        var runs = 0;
        Bounded.Run(s_runLimit, "calling Run(Action) on a Throttle(3)", () => throttle.Run(() => { runs++; }));
        runs.Should().Be(1, "Run(Action) runs the work exactly once. Read next: {0}", ReadNext);
    }

    [Test, OnRealThreads]
    public void A_limit_below_one_is_rejected()
    {
        var thrown = Bounded.Run(s_runLimit, "creating a Throttle(0)", () => Thrown(() => new Throttle(0)));

        thrown.Should().BeOfType<ArgumentOutOfRangeException>(
            "a throttle with limit 0 would keep every worker waiting forever; the constructor must refuse it. Read next: {0}",
            ReadNext);
    }

    [Test]
    public void At_most_limit_workers_are_inside_at_once()
    {
        new ConcurrencyCheck
        {
            KataType = typeof(Throttle),
            Property = $"at most {Limit} workers are inside the throttle at once",
            // Three workers for two slots, one through each of the three ways in: every way must wait its turn.
            Iteration = () => Crowd(Scheduling.Systematic, Way.RunAction, Way.RunFunc, Way.EnterExit).Run(),
            StressIteration = () => Crowd(Scheduling.RealThreads,
                Way.RunAction, Way.RunFunc, Way.EnterExit, Way.RunAction, Way.RunFunc, Way.EnterExit).Run(),
            ExplainDeadlock = () => _last!.ExplainStuck(),
            ReadNext = ReadNext,
        }.Verify();
    }

    [Test]
    public void Limit_workers_can_work_at_the_same_time()
    {
        new ConcurrencyCheck
        {
            KataType = typeof(Throttle),
            Property = $"{Limit} workers can be inside the throttle together",
            // Each worker, once inside, waits for a second one. A throttle that lets only one in never gets
            // there: Coyote reports the deadlock, and the workers say who was inside and who was waiting.
            Iteration = () => Company(Scheduling.Systematic).Run(),
            StressIteration = () => Company(Scheduling.RealThreads).Run(),
            ExplainDeadlock = () => _last!.ExplainStuck(),
            ReadNext = ReadNext,
        }.Verify();
    }

    [Test, OnRealThreads]
    public void Exit_without_Enter_throws_SemaphoreFullException()
    {
        var throttle = Bounded.Run(s_runLimit, "creating a Throttle(2)", () => new Throttle(Limit));
        ExpectSemaphoreFull(throttle, "calling Exit() on a new Throttle(2) that nobody had entered",
            "Exit() on a new Throttle(2) that nobody had entered");

        Bounded.Run(s_runLimit, "calling Enter() then Exit() on a Throttle(2)", () =>
        {
            throttle.Enter();
            throttle.Exit();
        });
        ExpectSemaphoreFull(throttle, "calling Exit() a second time after one Enter()",
            "A second Exit() after one Enter() and one Exit()");
    }

    [Test]
    public void An_extra_Exit_does_not_let_more_workers_in()
    {
        const string Before = "After one Exit() without an Enter() (it must throw and change nothing), ";
        const string Advice =
            "If At_most_limit_workers_are_inside_at_once fails too, fix that first: your throttle does not keep to its limit " +
            "even without an extra Exit(). If it passes, the extra Exit() gave the throttle a slot it never had. Exit must " +
            "refuse to give back more than was taken: new SemaphoreSlim(limit, limit) does (its second argument, maxCount), " +
            "new SemaphoreSlim(limit) does not.";

        new ConcurrencyCheck
        {
            KataType = typeof(Throttle),
            Property = $"after an Exit() without an Enter(), still at most {Limit} workers are inside at once",
            Iteration = () => AfterExtraExit(Scheduling.Systematic, Before, Advice, Way.RunAction, Way.RunFunc, Way.EnterExit),
            StressIteration = () => AfterExtraExit(Scheduling.RealThreads, Before, Advice,
                Way.RunAction, Way.RunFunc, Way.EnterExit, Way.RunAction, Way.RunFunc, Way.EnterExit),
            ExplainDeadlock = () => _last!.ExplainStuck(),
            ReadNext = ReadNext,
        }.Verify();
    }

    [Test, OnRealThreads]
    public void A_full_throttle_makes_the_next_worker_wait()
    {
        var throttle = Bounded.Run(s_runLimit, "creating a Throttle(2)", () => new Throttle(Limit));
        using var leave = new ManualResetEventSlim();
        var inside = 0;
        var thirdGotIn = 0;
        var errors = new List<Exception>();
        try
        {
            // Two workers fill the throttle and stay inside until told to leave; then a third one comes.
            var first = Worker(errors, () => throttle.Run(() =>
            {
                Interlocked.Increment(ref inside);
                leave.Wait();
            }));
            var second = Worker(errors, () => throttle.Run(() =>
            {
                Interlocked.Increment(ref inside);
                leave.Wait();
                return 0;
            }));
            var bothIn = Eventually(() => Volatile.Read(ref inside) == Limit, s_patience);
            NoneThrew(errors, "two workers went into a new Throttle(2) through Run");
            Invariant.Holds(bothIn,
                $"Two workers went into a new Throttle(2), but only {Volatile.Read(ref inside)} got in within " +
                $"{s_patience.TotalSeconds:0} s: your throttle lets fewer than 2 in (a lock, or a semaphore of 1?).\n" +
                $"Read next: {ReadNext}");

            var third = Worker(errors, () => throttle.Run(() => Interlocked.Exchange(ref thirdGotIn, 1)));
            // A correct throttle keeps the third worker out for good; a wrong one lets it in at once, or after a time-out.
            var keptOut = !Eventually(() => Volatile.Read(ref thirdGotIn) == 1, s_patience / 3);
            leave.Set();
            NoneThrew(errors, "a third worker came to the full Throttle(2)");
            Invariant.Holds(keptOut,
                "The Throttle(2) was full: 2 workers were inside (one through Run(Action), one through Run<T>(Func<T>)) and " +
                "neither had left. Yet a third worker got in (through Run<T>(Func<T>)). Enter must " +
                "wait for a free slot for as long as it takes. If you wait with a time-out (Wait(timeout)), look at what it " +
                "returns: false means the time ran out and no slot was taken, so the worker must not go in." +
                $"\nRead next: {ReadNext}");

            Invariant.Holds(first.Join(s_patience) && second.Join(s_patience),
                $"The 2 workers inside the full Throttle(2) were told to leave, but Run did not return within " +
                $"{s_patience.TotalSeconds:0} s after their work ended: Exit must give the slot back at once, it never " +
                $"waits.\nRead next: {ReadNext}");
            Invariant.Holds(third.Join(s_patience),
                "The 2 workers inside the full Throttle(2) left, but the third one, which was waiting, still could not get " +
                $"in within {s_patience.TotalSeconds:0} s: Exit must give the slot back to the throttle, so that a waiting " +
                $"worker can take it.\nRead next: {ReadNext}");
            NoneThrew(errors, "the workers left the Throttle(2)");
        }
        finally
        {
            // Never leave a worker of a failed check waiting on the grader.
            leave.Set();
        }
    }

    [Test, OnRealThreads]
    public void A_work_that_throws_gives_its_slot_back()
    {
        var throttle = Bounded.Run(s_runLimit, "creating a Throttle(2)", () => new Throttle(Limit));

        // First without exceptions: a slot that is lost here is lost by Exit, not by the exception.
        for (var work = 1; work <= Limit + 1; work++)
        {
            var call = Overload(work);
            var (finished, thrown) = RunAlone(throttle, work, failure: null);
            Invariant.Holds(finished,
                $"Work {work} (through {call}) never got into the Throttle(2), although no work was running: the " +
                $"{work - 1} works before it returned normally, one after the other, but their slots were not given back. " +
                $"Exit() must give the slot back (SemaphoreSlim.Release), and Run must call it.\nRead next: {ReadNext}");
            Invariant.Holds(thrown is null,
                $"Work {work} returned normally inside {call}, but {call} threw {thrown?.GetType().Name}" +
                $"(\"{thrown?.Message}\").\nRead next: {ReadNext}");
        }

        for (var work = 1; work <= Limit + 1; work++)
        {
            var call = Overload(work);
            var failure = new InvalidOperationException($"download {work} failed");
            var (finished, thrown) = RunAlone(throttle, work, failure);
            Invariant.Holds(finished,
                $"Work {work} never got into the Throttle(2), although no work was running: the {work - 1} works before it " +
                $"threw an exception, and their slots were never given back. When the work throws, the code after it in Run " +
                "does not run: Run must call Exit() in a `finally` block, so that the slot is freed whether the work returns " +
                $"or throws.\nRead next: {ReadNext}");
            Invariant.Holds(ReferenceEquals(thrown, failure), thrown is null
                ? $"Work {work} threw InvalidOperationException(\"{failure.Message}\") inside {call}, but {call} returned " +
                  "normally. Run must let the work's exception through to its caller, unchanged: the caller has to know " +
                  $"that the download failed.\nRead next: {ReadNext}"
                : $"Work {work} threw InvalidOperationException(\"{failure.Message}\") inside {call}, but {call} threw " +
                  $"{thrown.GetType().Name}(\"{thrown.Message}\") instead. Run must let the work's own exception through, " +
                  "unchanged." + (thrown is SemaphoreFullException
                      ? " SemaphoreFullException means your Run gave its slot back twice: once in `catch` and once in " +
                        "`finally`? `finally` alone runs in both cases."
                      : "") + $"\nRead next: {ReadNext}");
        }

        // Enter and Exit on one thread, as a worker would: a throttle built on a lock cannot be exited from another.
        var entered = 0;
        var exited = 0;
        var finishedEnterExit = Bounded.TryRun(s_patience, () =>
        {
            for (; entered < Limit; entered++)
            {
                throttle.Enter();
            }

            for (; exited < Limit; exited++)
            {
                throttle.Exit();
            }
        }, out var failed);
        Invariant.Holds(finishedEnterExit || entered == Limit,
            $"After 3 works threw inside Run, one after the other, only {entered} of the 2 slots of the Throttle(2) were " +
            "free: Enter() waited although no work was running. A work that threw kept its slot: Run must call Exit() in a " +
            $"`finally` block, so that the slot is freed whether the work returns or throws.\nRead next: {ReadNext}");
        Invariant.Holds(finishedEnterExit, $"After 3 works threw inside Run, two Enter() calls returned, but Exit() then did not " +
            $"return within {s_patience.TotalSeconds:0} s. Exit never waits: it gives a slot back.\nRead next: {ReadNext}");
        Invariant.Holds(failed is null,
            $"After 3 works threw inside Run, {(entered < Limit ? "Enter()" : "Exit()")} threw {failed?.GetType().Name}" +
            $"(\"{failed?.Message}\") on a Throttle(2) that had {entered} worker(s) inside.\nRead next: {ReadNext}");
    }

    /// <summary>
    /// Runs one work through the throttle (odd-numbered works through Run(Action), even ones through Run&lt;T&gt;),
    /// with nothing else running; <paramref name="failure"/>, if given, is what the work throws.
    /// </summary>
    private static (bool Finished, Exception? Thrown) RunAlone(Throttle throttle, int work, Exception? failure)
    {
        Exception? thrown = null;
        var finished = Bounded.TryRun(s_patience, () =>
        {
            thrown = Thrown(() =>
            {
                if (work % 2 == 1)
                {
                    throttle.Run(() =>
                    {
                        if (failure is not null)
                        {
                            throw failure;
                        }
                    });
                }
                else
                {
                    throttle.Run(() => failure is null ? work : throw failure);
                }
            });
        }, out _);
        return (finished, thrown);
    }

    private static string Overload(int work) => work % 2 == 1 ? "Run(Action)" : "Run<T>(Func<T>)";

    /// <summary>
    /// A background thread running <paramref name="body"/> (if the student's code never returns, it must not keep the
    /// test host alive); what it throws goes to <paramref name="errors"/>.
    /// </summary>
    private static Thread Worker(List<Exception> errors, Action body)
    {
        var thread = new Thread(() =>
        {
            if (Thrown(body) is { } error)
            {
                lock (errors)
                {
                    errors.Add(error);
                }
            }
        })
        { IsBackground = true };
        thread.Start();
        return thread;
    }

    private static void NoneThrew(List<Exception> errors, string when)
    {
        Exception? first;
        lock (errors)
        {
            first = errors.FirstOrDefault();
        }

        Invariant.Holds(first is null,
            $"When {when}, Run threw {first?.GetType().Name}(\"{first?.Message}\"), although the work did not throw." +
            $"\nRead next: {ReadNext}");
    }

    /// <summary>Whether <paramref name="condition"/> became true within <paramref name="limit"/> (polled, not spun: the machine has 2 cores).</summary>
    private static bool Eventually(Func<bool> condition, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!condition())
        {
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            Thread.Sleep(10);
        }

        return true;
    }

    private Workers Crowd(Scheduling scheduling, params Way[] ways) =>
        _last = new Workers(new Throttle(Limit), Limit, scheduling, ways);

    private Workers Company(Scheduling scheduling) =>
        _last = new Workers(new Throttle(Limit), Limit, scheduling, Way.RunAction, Way.EnterExit) { WaitForCompany = true };

    private void AfterExtraExit(Scheduling scheduling, string before, string advice, params Way[] ways)
    {
        var throttle = new Throttle(Limit);
        try
        {
            throttle.Exit();
        }
        catch (Exception)
        {
            // Expected (SemaphoreFullException); whether it throws is graded by Exit_without_Enter_throws_SemaphoreFullException.
        }

        _last = new Workers(throttle, Limit, scheduling, ways) { Before = before, TooManyAdvice = advice };
        _last.Run();
    }

    private static void ExpectSemaphoreFull(Throttle throttle, string what, string call)
    {
        var thrown = Bounded.Run(s_runLimit, what, () => Thrown(throttle.Exit));

        Invariant.Holds(thrown is not null,
            $"{call} returned normally. It must throw SemaphoreFullException: an Exit without a matching Enter is a " +
            "bug in the caller, and accepting it would give the throttle a slot more than its limit (the lesson's " +
            "BoundedSemaphore raises ValueError for the same reason). new SemaphoreSlim(limit) lets Release go past the " +
            $"limit silently; new SemaphoreSlim(limit, limit) throws SemaphoreFullException.\nRead next: {ReadNext}");
        Invariant.Holds(thrown is SemaphoreFullException,
            $"{call} threw {thrown?.GetType().Name}(\"{thrown?.Message}\"). The kata asks for SemaphoreFullException, what " +
            "SemaphoreSlim.Release throws past its maxCount, so that callers can tell this mistake from others.\n" +
            $"Read next: {ReadNext}");
    }

    /// <summary>What <paramref name="action"/> threw, or null if it returned.</summary>
    private static Exception? Thrown(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }
}
