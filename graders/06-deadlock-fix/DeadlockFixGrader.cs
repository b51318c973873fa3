using Katas.DeadlockFix;

namespace Katas.Graders.DeadlockFix;

public sealed class DeadlockFixGrader
{
    private const string ReadNext =
        "exercises/06-deadlock-fix/README.md, and https://learn.microsoft.com/dotnet/standard/threading/managed-threading-best-practices#deadlocks-and-race-conditions";

    private static readonly TimeSpan s_callLimit = TimeSpan.FromSeconds(10);

    // Correct code needs well under a second for the real-threads run; a deadlocked one never finishes.
    private static readonly TimeSpan s_realThreadsLimit = TimeSpan.FromSeconds(10);

    // Stress runs (only for code whose locks Coyote cannot see, or whose deadlocks it cannot judge: TryEnter). Each run
    // starts its threads together (GraderThreads' start gate) and makes hundreds of calls, so every run gives a deadlock
    // many chances; a run that does not finish names the threads that were stuck and the calls they were in.
    private const int StressRuns = 20;

    // In a stress run each transferring thread goes on until it has seen the others make progress between two of its own
    // transfers this many times (or for StressAtMost): on a loaded machine a fixed count finished inside one time slice.
    private const int StressMeetings = 200;
    private static readonly TimeSpan s_stressAtMost = TimeSpan.FromSeconds(1);

    // Enough for BankRun.MostStressTransfers transfers of 10 from every paying thread, so a correct bank never refuses one.
    private const decimal StressOpening = 10_000_000m;

    private const string TwoWayWhy =
        "Each holds one of the two account locks, Alice's or Bob's, and waits for the other one, which the other thread holds " +
        "and will never let go. That is what `lock (from) { lock (to) { ... } }` does when money goes both ways at once: the " +
        "thread transferring Alice→Bob holds Alice's account lock and waits for Bob's, while the thread transferring Bob→Alice " +
        "holds Bob's and waits for Alice's. The order in which the locks are released does not matter, since neither thread " +
        "gets that far; the order in which they are taken does. Take the two locks in one fixed order in every transfer, " +
        "whichever way the money goes: for example the account with the lower Id first (Alice is #1, Bob is #2). The order " +
        "must not depend on the direction of the transfer, nor on anything that changes, like a balance.";

    private const string CycleWhy =
        "Three transfers around a cycle, Zoe→Mia, Mia→Adam and Adam→Zoe: each thread holds one account's lock and waits for " +
        "the next account's, which the next thread holds, all the way round. Two transfers alone may never meet this; three " +
        "need every lock taken in one global order, the same for every pair of accounts, in every method: for example lower " +
        "Id first (Zoe is #1, Mia #2, Adam #3). (from, to) is no order at all, and neither is anything that changes.";

    private const string TieWhy =
        "The two accounts both belong to Alex, hold the same balance and even have the same hash code; only their Ids tell " +
        "them apart. An order by Owner, by Balance or by GetHashCode() sees a tie between them and falls back to (from, to) " +
        "or (to, from), which two transfers in opposite directions see the other way round, so each takes the lock the " +
        "other takes first. The key of the order must be unique and never change: Account.Id.";

    private const string AuditWhy =
        "TryTransfer and TotalBalance take the same two locks in different orders. The auditor listed the accounts as (Bob, " +
        "Alice): a TotalBalance that locks them in the order it is given takes Bob's first, while a transfer from Alice to Bob " +
        "that locks `from` first, or the lower Id first, takes Alice's. Every method that holds more than one account lock " +
        "must take them in the same global order, whatever order its arguments come in: for example lower Id first (Alice is " +
        "#1, Bob is #2), in TryTransfer and in TotalBalance alike.";

    private const string TrioAuditWhy =
        "TryTransfer and TotalBalance take the same locks in different orders. The auditor listed the accounts as (Mia, Adam, " +
        "Zoe), neither in Id order (Zoe #1, Mia #2, Adam #3) nor in name order (Adam, Mia, Zoe), and the names sort against " +
        "the Ids: locking in the order given, or by name in one method and by Id in the other, takes some pair of locks in " +
        "opposite orders. Every method that holds more than one account lock must take them in the same global order, " +
        "whatever order its arguments come in: for example lower Id first, in TryTransfer and in TotalBalance alike.";

    private const string RefusalWhy =
        "Two mistakes end like this. Calls that take the same account locks in opposite orders: take them in one fixed order " +
        "everywhere (for example lower Id first: Ann is #1, Ben #2). Or a refused call (a transfer without the money, to the " +
        "same account, or of an amount that is not positive) that left a lock held: a `return false` or a `throw` between " +
        "Monitor.Enter and Monitor.Exit keeps the lock for ever unless Exit is in a `finally` block; `lock` releases it " +
        "however the block ends.";

    private const string LastMoneyWhy =
        "Take the account locks in one fixed order everywhere (for example lower Id first: Kim is #1, Sam #2, Lou #3).";

    // What a timed lock wait that gives up does to a bank, for the note when the code uses one.
    private const string GivingUp =
        "the transfer is refused although the money is there (a lost payment, not a hang). The cause is the same either " +
        "way: two threads take the same locks in different orders. A timeout turns the deadlock into lost payments; one " +
        "fixed order removes it.";

    [Test, OnRealThreads]
    public void A_transfer_moves_the_money()
    {
        var (alice, bob) = (new Account(1, "Alice", 100m), new Account(2, "Bob", 50m));

        Must(Call("transferring 30 from Alice (100) to Bob (50)", () => Bank.TryTransfer(alice, bob, 30m)),
            "TryTransfer(Alice, Bob, 30) returned false, but Alice has 100, enough to send 30.");
        Must(alice.Balance == 70m && bob.Balance == 80m,
            $"After TryTransfer(Alice, Bob, 30) returned true, Alice has {alice.Balance} and Bob {bob.Balance}: Alice had 100 " +
            "and sent 30 (70), Bob had 50 and received 30 (80).");

        Must(Call("transferring 80 from Bob (80) back to Alice (70), on another thread", () => Bank.TryTransfer(bob, alice, 80m)),
            "TryTransfer(Bob, Alice, 80) returned false, but Bob has exactly 80, so all of it may go (the check is " +
            "`balance < amount`, not `<=`).");
        Must(alice.Balance == 150m && bob.Balance == 0m,
            $"After TryTransfer(Bob, Alice, 80) returned true, Alice has {alice.Balance} and Bob {bob.Balance}: Alice had 70 and " +
            "received 80 (150), Bob had 80 and sent all of it (0).");

        var total = Call("calling Bank.TotalBalance(Bob, Alice) with no transfer running", () => Bank.TotalBalance(bob, alice));
        Must(total == 150m, $"Bank.TotalBalance(Bob, Alice) returned {total}; it adds up the balances of the accounts it is given (0 + 150).");
    }

    [Test, OnRealThreads]
    public void A_transfer_without_enough_money_changes_nothing()
    {
        var (alice, bob) = (new Account(1, "Alice", 20m), new Account(2, "Bob", 5m));

        Must(!Call("transferring 30 from Alice (20) to Bob (5)", () => Bank.TryTransfer(alice, bob, 30m)),
            "TryTransfer(Alice, Bob, 30) returned true, but Alice has only 20 and cannot send 30: it returns false.");
        Must(alice.Balance == 20m && bob.Balance == 5m,
            $"After a refused TryTransfer(Alice, Bob, 30), Alice has {alice.Balance} and Bob {bob.Balance}, but a refused transfer " +
            "changes nothing (all or nothing): 20 and 5.");

        // On another thread: a refusal that left a lock held (a `return false` before Monitor.Exit) stops this one.
        Must(Call("transferring 5 from Bob to Alice on another thread, after the refused transfer", () => Bank.TryTransfer(bob, alice, 5m)),
            "TryTransfer(Bob, Alice, 5) returned false, but Bob has exactly 5.");
        Must(alice.Balance == 25m && bob.Balance == 0m,
            $"After TryTransfer(Bob, Alice, 5) returned true, Alice has {alice.Balance} and Bob {bob.Balance}, not 25 and 0.");
    }

    [Test, OnRealThreads]
    public void A_transfer_to_the_same_account_is_refused()
    {
        var (alice, bob) = (new Account(1, "Alice", 100m), new Account(2, "Bob", 0m));

        var thrown = Bounded.Catch(s_callLimit, "transferring 10 from Alice to Alice", () => Bank.TryTransfer(alice, alice, 10m));
        Must(thrown is ArgumentException,
            $"TryTransfer(Alice, Alice, 10) {Outcome(thrown)}. Moving money from an account to itself is a caller's mistake, " +
            "reported with an ArgumentException (and it would lock the same account twice).");
        Must(alice.Balance == 100m, $"After the refused TryTransfer(Alice, Alice, 10), Alice has {alice.Balance}, not 100.");
        Must(Call("transferring 10 from Alice to Bob on another thread, after the refused transfer", () => Bank.TryTransfer(alice, bob, 10m)),
            "TryTransfer(Alice, Bob, 10) returned false, but Alice has 100.");
    }

    [Test, OnRealThreads]
    public void A_transfer_of_an_amount_that_is_not_positive_is_refused()
    {
        var (alice, bob) = (new Account(1, "Alice", 100m), new Account(2, "Bob", 100m));

        foreach (var amount in new[] { 0m, -10m })
        {
            var thrown = Bounded.Catch(s_callLimit, $"transferring {amount} from Alice to Bob", () => Bank.TryTransfer(alice, bob, amount));
            Must(thrown is ArgumentOutOfRangeException,
                $"TryTransfer(Alice, Bob, {amount}) {Outcome(thrown)}. An amount that is not positive is a caller's mistake, " +
                "reported with an ArgumentOutOfRangeException (a transfer of -10 would move money the other way).");
            Must(alice.Balance == 100m && bob.Balance == 100m,
                $"After the refused TryTransfer(Alice, Bob, {amount}), Alice has {alice.Balance} and Bob {bob.Balance}, not 100 and 100.");
        }

        Must(Call("transferring 10 from Bob to Alice on another thread, after the refused transfers", () => Bank.TryTransfer(bob, alice, 10m)),
            "TryTransfer(Bob, Alice, 10) returned false, but Bob has 100.");
    }

    [Test, OnRealThreads]
    public void An_audit_adds_up_the_accounts_in_any_order()
    {
        var (zoe, mia, adam) = (new Account(1, "Zoe", 10m), new Account(2, "Mia", 20m), new Account(3, "Adam", 40m));

        var total = Call("calling Bank.TotalBalance(Mia, Adam, Zoe)", () => Bank.TotalBalance(mia, adam, zoe));
        Must(total == 70m, $"Bank.TotalBalance(Mia, Adam, Zoe) returned {total}; Mia has 20, Adam 40 and Zoe 10: 70 together.");
        total = Call("calling Bank.TotalBalance(Adam) on another thread", () => Bank.TotalBalance(adam));
        Must(total == 40m, $"Bank.TotalBalance(Adam) returned {total}; Adam has 40.");
        Must(Call("transferring 10 from Zoe to Adam on another thread, after the audits", () => Bank.TryTransfer(zoe, adam, 10m)),
            "TryTransfer(Zoe, Adam, 10) returned false, but Zoe has 10.");
    }

    [Core]
    [Test]
    public void Transfers_in_both_directions_never_deadlock() => Check(
        "transfers Alice→Bob and Bob→Alice at the same time all finish and keep the money",
        // Four transfers of 10 each way between accounts of 100: each thread gets four chances to take its first lock just
        // before the other takes its own.
        runs => TwoWay(runs, transfers: 4, opening: 100m).MustKeepEveryPaymentAndAllTheMoney(),
        runs => TwoWay(runs, transfers: 300, opening: StressOpening, stress: true).MustKeepEveryPaymentAndAllTheMoney());

    [Core]
    [Test]
    public void Transfers_around_a_cycle_of_three_accounts_never_deadlock() => Check(
        "transfers Zoe→Mia, Mia→Adam and Adam→Zoe at the same time all finish and keep the money",
        runs => Cycle(runs, transfers: 3, opening: 100m).MustKeepEveryPaymentAndAllTheMoney(),
        runs => Cycle(runs, transfers: 300, opening: StressOpening, stress: true).MustKeepEveryPaymentAndAllTheMoney());

    [Core]
    [Test]
    public void Transfers_between_accounts_that_tie_on_everything_but_the_Id_never_deadlock()
    {
        TiedPairs.Prepare();
        Check(
            "transfers both ways between two accounts of Alex with the same balance and hash code all finish and keep the money",
            runs => Tie(runs, transfers: 1).MustKeepEveryPaymentAndAllTheMoney(),
            runs => Tie(runs, transfers: 50).MustKeepEveryPaymentAndAllTheMoney());
    }

    [Core]
    [Test]
    public void An_audit_during_a_transfer_never_sees_money_in_flight() => Check(
        "an audit (Bank.TotalBalance) while money moves sees all the money, and does not deadlock with the transfer",
        // Four transfers of 10 from Alice to Bob while the auditor adds up (Bob, Alice) four times: each audit may land
        // inside a transfer, and the auditor's list is not in Id order, as a real caller's may not be.
        runs => AuditOfTwo(runs, transfers: 4, backTransfers: 0, audits: 4, opening: 100m).MustNeverShowMoneyInFlight(),
        runs => AuditOfTwo(runs, transfers: 200, backTransfers: 200, audits: 200, opening: StressOpening, stress: true).MustNeverShowMoneyInFlight());

    [Core]
    [Test]
    public void An_audit_of_three_accounts_in_any_order_never_sees_money_in_flight() => Check(
        "an audit of three accounts, listed in no particular order, while money moves between them sees all the money and does not deadlock",
        runs => AuditOfThree(runs, transfers: 1, audits: 2, opening: 100m).MustNeverShowMoneyInFlight(),
        runs => AuditOfThree(runs, transfers: 200, audits: 200, opening: StressOpening, stress: true).MustNeverShowMoneyInFlight());

    [Core]
    [Test]
    public void The_last_money_on_an_account_is_paid_only_once() => Check(
        "two transfers of Sam's last 10 at the same time: exactly one goes through, and no balance goes below zero",
        runs => LastMoney(runs),
        // The race is between the check and the withdrawal: many rounds, each with fresh accounts.
        runs =>
        {
            for (var round = 0; round < 50; round++)
            {
                LastMoney(runs);
            }
        });

    [Core]
    [Test]
    public void Every_bank_call_at_once_finishes_and_keeps_the_money() => Check(
        "every kind of call at once (transfers, refused transfers, audits, balances) finishes and keeps the money",
        runs => EveryCall(runs).MustKeepEveryPaymentAndAllTheMoney(),
        runs =>
        {
            for (var round = 0; round < 50; round++)
            {
                EveryCall(runs).MustKeepEveryPaymentAndAllTheMoney();
            }
        });

    [Test, OnRealThreads]
    public void Many_transfers_and_audits_on_real_threads_finish()
    {
        // What a user of the bank would see: real threads, real timing, no Coyote. A deadlock here is a program that hangs
        // forever; the time limit turns it into a failure that names who was stuck where.
        const string What = "10,000 transfers each around Zoe→Mia→Adam→Zoe, and 1,000 audits of (Mia, Adam, Zoe), on four real threads at once";
        var runs = new Scene<BankRun>();
        try
        {
            Bounded.Run(s_realThreadsLimit + TimeSpan.FromSeconds(5), "running " + What,
                () => CycleWithAudits(runs, transfers: 10_000, audits: 1_000, opening: StressOpening).MustNeverShowMoneyInFlight());
        }
        catch (InvariantViolationException violation)
        {
            var hang = violation.Message.StartsWith(BankRun.NotFinished, StringComparison.Ordinal)
                ? "\nThis is what a deadlock looks like in a real program: no exception, no message, the threads just stop and " +
                  "wait for each other forever."
                : "";
            Assert.Fail($"With {What}: {violation.Message}{hang}\nCode graded: {KataInfo.FolderOf(typeof(Bank))}\nRead next: {ReadNext}");
        }
        catch (GradingTimeoutException timeout)
        {
            Assert.Fail($"{timeout.Message}\n{runs.Explain(run => run.ExplainDeadlock(), "")()}\nCode graded: {KataInfo.FolderOf(typeof(Bank))}\nRead next: {ReadNext}");
        }
    }

    private static BankRun TwoWay(Scene<BankRun> runs, int transfers, decimal opening, bool stress = false)
    {
        var (alice, bob) = People.AliceAndBob(opening);
        return Stress(new BankRun(TwoWayWhy, alice, bob), stress).Transfers(alice, bob, transfers).Transfers(bob, alice, transfers).Run(runs);
    }

    private static BankRun Cycle(Scene<BankRun> runs, int transfers, decimal opening, bool stress = false)
    {
        var (zoe, mia, adam) = People.Trio(opening);
        return Stress(new BankRun(CycleWhy, zoe, mia, adam), stress).TransfersMeetEachRound(transfers)
            .Transfers(zoe, mia, transfers).Transfers(mia, adam, transfers).Transfers(adam, zoe, transfers).Run(runs);
    }

    private static BankRun Stress(BankRun run, bool stress) => stress ? run.UntilTheyMeet(StressMeetings, s_stressAtMost) : run;

    private static BankRun Tie(Scene<BankRun> runs, int transfers)
    {
        var (first, second) = TiedPairs.Next();
        return new BankRun(TieWhy, first, second).Transfers(first, second, transfers).Transfers(second, first, transfers).Run(runs);
    }

    private static BankRun AuditOfTwo(Scene<BankRun> runs, int transfers, int backTransfers, int audits, decimal opening, bool stress = false)
    {
        var (alice, bob) = People.AliceAndBob(opening);
        var run = Stress(new BankRun(AuditWhy, alice, bob), stress).Transfers(alice, bob, transfers).Audits([bob, alice], audits);
        return (backTransfers > 0 ? run.Transfers(bob, alice, backTransfers) : run).Run(runs);
    }

    private static BankRun AuditOfThree(Scene<BankRun> runs, int transfers, int audits, decimal opening, bool stress = false)
    {
        var (zoe, mia, adam) = People.Trio(opening);
        return Stress(new BankRun(TrioAuditWhy, zoe, mia, adam), stress)
            .Transfers(zoe, adam, transfers).Transfers(adam, mia, transfers).Audits([mia, adam, zoe], audits).Run(runs);
    }

    private static BankRun CycleWithAudits(Scene<BankRun> runs, int transfers, int audits, decimal opening)
    {
        // Past the fixed counts, until the threads have met (a loaded machine ran 10,000 transfers each inside one time slice,
        // and the deadlock of the untouched stub went unseen).
        var (zoe, mia, adam) = People.Trio(opening);
        return Stress(new BankRun(CycleWhy + " " + TrioAuditWhy, zoe, mia, adam), stress: true)
            .Transfers(zoe, mia, transfers).Transfers(mia, adam, transfers).Transfers(adam, zoe, transfers)
            .Audits([mia, adam, zoe], audits).Run(runs);
    }

    private static void LastMoney(Scene<BankRun> runs)
    {
        var (kim, sam, lou) = (new Account(1, "Kim", 0m), new Account(2, "Sam", People.Amount), new Account(3, "Lou", 0m));
        var paid = new bool[2];
        new BankRun(LastMoneyWhy, kim, sam, lou)
            .Thread("the thread transferring Sam→Kim", (teller, _) =>
                paid[0] = teller.Call(BankRun.Transfer(sam, kim, People.Amount), () => Bank.TryTransfer(sam, kim, People.Amount)))
            .Thread("the thread transferring Sam→Lou", (teller, _) =>
                paid[1] = teller.Call(BankRun.Transfer(sam, lou, People.Amount), () => Bank.TryTransfer(sam, lou, People.Amount)))
            .Run(runs);

        BankRun.Must(!(paid[0] && paid[1]), () =>
            $"TryTransfer(Sam, Kim, 10) and TryTransfer(Sam, Lou, 10), at the same time, both returned true, but Sam had only 10: " +
            $"now Sam has {sam.Balance}, Kim {kim.Balance} and Lou {lou.Balance}. Both transfers saw the 10 before either took it. " +
            "The check `from.Balance < amount` and the withdrawal must happen while holding the payer's lock, in one locked " +
            "block: a check made before taking the locks is out of date by the time the money moves.");
        BankRun.Must(paid[0] || paid[1], () =>
            $"TryTransfer(Sam, Kim, 10) and TryTransfer(Sam, Lou, 10), at the same time, both returned false, but Sam had 10: one " +
            "of them must go through. TryTransfer returns false only when the money is not there; a transfer that gives up " +
            "because a lock was busy drops a payment. Wait for the locks, in one fixed order.");
        BankRun.Must(sam.Balance == 0m && kim.Balance + lou.Balance == People.Amount, () =>
            $"After one of two transfers of Sam's last 10 went through, Sam has {sam.Balance}, Kim {kim.Balance} and Lou " +
            $"{lou.Balance}: Sam should have 0, and Kim and Lou 10 between them. A balance was changed without holding that " +
            "account's lock, or changed twice.");
    }

    private static BankRun EveryCall(Scene<BankRun> runs)
    {
        // Three threads, each mixing a transfer or an audit with a refused call, then one more transfer once they are done.
        var (ann, ben) = (new Account(1, "Ann", 1_000m), new Account(2, "Ben", 1_000m));
        return new BankRun(RefusalWhy, ann, ben)
            .Thread("the thread transferring Ben→Ann (1,000,000, refused), then Ann→Ben", (teller, bank) =>
            {
                var tooMuch = BankRun.Transfer(ben, ann, 1_000_000m);
                if (teller.Call(tooMuch, () => Bank.TryTransfer(ben, ann, 1_000_000m)))
                {
                    bank.Unexpected($"{tooMuch} returned true, but Ben never has 1,000,000: it must return false and change nothing.");
                }

                bank.TransferOnce(teller, ann, ben);
            })
            .Thread("the thread transferring Ben→Ann, then Ann→Ann (refused)", (teller, bank) =>
            {
                bank.TransferOnce(teller, ben, ann);
                var toItself = BankRun.Transfer(ann, ann, People.Amount);
                var thrown = teller.CallExpectingRefusal(toItself, () => Bank.TryTransfer(ann, ann, People.Amount));
                if (thrown is null)
                {
                    bank.Unexpected($"{toItself} returned: it must throw an ArgumentException and change nothing.");
                }
            })
            .Thread("the auditor (a transfer of 0, refused, then Bank.TotalBalance(Ben, Ann) and Ann's Balance)", (teller, bank) =>
            {
                var nothing = BankRun.Transfer(ben, ann, 0m);
                var thrown = teller.CallExpectingRefusal(nothing, () => Bank.TryTransfer(ben, ann, 0m));
                if (thrown is not ArgumentOutOfRangeException)
                {
                    bank.Unexpected($"{nothing} {Outcome(thrown)}: it must throw an ArgumentOutOfRangeException and change nothing.");
                }

                var total = teller.Call("Bank.TotalBalance(Ben, Ann)", () => Bank.TotalBalance(ben, ann));
                if (total != 2_000m)
                {
                    bank.Unexpected($"Bank.TotalBalance(Ben, Ann) returned {total} while transfers ran, but Ann and Ben always hold " +
                        "2000 together: the audit saw money in flight. TryTransfer must hold both locks for the whole move, and " +
                        "TotalBalance every lock while it adds up.");
                }

                _ = teller.Call("reading Ann's Balance", () => ann.Balance);
            })
            .Run(runs)
            .AfterwardsOnThisThread(ann, ben);
    }

    private static void Check(string property, Action<Scene<BankRun>> iteration, Action<Scene<BankRun>> stressIteration)
    {
        var runs = new Scene<BankRun>();
        var deadlock = runs.Explain(
            run => run.ExplainDeadlock(), "Deadlock: every thread was waiting for a lock that another waiting thread held.");
        new ConcurrencyCheck
        {
            KataType = typeof(Bank),
            Property = property,
            Iteration = () => iteration(runs),
            StressIteration = () => stressIteration(runs),
            StressRuns = StressRuns,
            StressTimeLimit = TimeSpan.FromSeconds(30),
            ExplainDeadlock = () => deadlock() + TimedWait.NoteFor(typeof(Bank), GivingUp),
            DeadlockInconclusiveBecause = TryLocks.WhyCoyoteCannotJudgeADeadlock,
            ReadNext = ReadNext,
        }.Verify();
    }

    private static T Call<T>(string what, Func<T> call) => Bounded.Run(s_callLimit, what, call);

    private static string Outcome(Exception? thrown) => thrown is null ? "returned" : $"threw {thrown.GetType().Name}";

    private static void Must(bool holds, string message)
    {
        if (!holds)
        {
            Assert.Fail($"{message}\nRead next: {ReadNext}");
        }
    }
}
