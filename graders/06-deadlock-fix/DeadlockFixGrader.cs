using Katas.DeadlockFix;

namespace Katas.Graders.DeadlockFix;

public sealed class DeadlockFixGrader
{
    private const string ReadNext =
        "exercises/06-deadlock-fix/README.md, and https://learn.microsoft.com/dotnet/standard/threading/managed-threading-best-practices#deadlocks-and-race-conditions";

    private static readonly TimeSpan s_callLimit = TimeSpan.FromSeconds(10);

    // Correct code needs well under a second for the real-threads run; a deadlocked one never finishes.
    private static readonly TimeSpan s_realThreadsLimit = TimeSpan.FromSeconds(10);

    // What a timed lock wait that gives up does to a bank, for the note when the code uses one.
    private const string GivingUp =
        "the transfer is refused although the money is there (a lost payment, not a hang). The cause is the same either " +
        "way: two threads take the same locks in different orders. A timeout turns the deadlock into lost payments; one " +
        "fixed order removes it.";

    [Test, OnRealThreads]
    public void A_transfer_moves_the_money()
    {
        var alice = new Account(1, "Alice", 100m);
        var bob = new Account(2, "Bob", 50m);

        Bounded.Run(s_callLimit, "transferring 30 from Alice (100) to Bob (50)", () => Bank.TryTransfer(alice, bob, 30m))
            .Should().BeTrue("Alice has 100, enough to send 30. Read next: {0}", ReadNext);
        alice.Balance.Should().Be(70m, "Alice had 100 and sent 30");
        bob.Balance.Should().Be(80m, "Bob had 50 and received 30");

        Bounded.Run(s_callLimit, "transferring 80 from Bob (80) back to Alice (70)", () => Bank.TryTransfer(bob, alice, 80m))
            .Should().BeTrue("Bob has exactly 80, so all of it may go (the check is `balance < amount`, not `<=`)");
        alice.Balance.Should().Be(150m, "Alice had 70 and received 80");
        bob.Balance.Should().Be(0m, "Bob had 80 and sent all of it");

        Bounded.Run(s_callLimit, "calling Bank.TotalBalance(Bob, Alice) with no transfer running", () => Bank.TotalBalance(bob, alice))
            .Should().Be(150m, "TotalBalance adds up the balances of the accounts it is given (0 + 150). Read next: {0}", ReadNext);
    }

    [Test, OnRealThreads]
    public void A_transfer_without_enough_money_changes_nothing()
    {
        var alice = new Account(1, "Alice", 20m);
        var bob = new Account(2, "Bob", 0m);

        Bounded.Run(s_callLimit, "transferring 30 from Alice (20) to Bob (0)", () => Bank.TryTransfer(alice, bob, 30m))
            .Should().BeFalse("Alice has only 20 and cannot send 30: TryTransfer returns false. Read next: {0}", ReadNext);
        alice.Balance.Should().Be(20m, "a refused transfer changes nothing, all or nothing");
        bob.Balance.Should().Be(0m, "a refused transfer changes nothing, all or nothing");
    }

    [Test, OnRealThreads]
    public void A_transfer_to_the_same_account_is_refused()
    {
        var alice = new Account(1, "Alice", 100m);

        var transfer = () => Bounded.Run(s_callLimit, "transferring 10 from Alice to Alice", () => Bank.TryTransfer(alice, alice, 10m));

        transfer.Should().Throw<ArgumentException>(
            "moving money from an account to itself is a caller's mistake, reported with an ArgumentException " +
            "(and it would lock the same account twice). Read next: {0}", ReadNext);
        alice.Balance.Should().Be(100m, "a refused transfer changes nothing");
    }

    [Test]
    public void Transfers_in_both_directions_never_deadlock()
    {
        new ConcurrencyCheck
        {
            KataType = typeof(Bank),
            Property = "transfers Alice→Bob and Bob→Alice at the same time all finish and keep the money",
            // Four transfers of 10 each way between accounts of 100: small, and each thread gets four chances to take
            // its first lock just before the other takes its own (every known-wrong variant is found in the first
            // interleaving).
            Iteration = () => TwoWayTransfers.Run(transfersEachWay: 4, opening: 100m, realThreads: false)
                .MustKeepEveryPaymentAndAllTheMoney(),
            StressIteration = () => TwoWayTransfers.Run(transfersEachWay: 300, opening: 100_000m, realThreads: true)
                .MustKeepEveryPaymentAndAllTheMoney(),
            ExplainDeadlock = () => (TwoWayTransfers.Last?.ExplainDeadlock() ?? AliceAndBob.GenericDeadlock([])) +
                TimedWait.NoteFor(typeof(Bank), GivingUp),
            ReadNext = ReadNext,
        }.Verify();
    }

    [Test]
    public void An_audit_during_a_transfer_never_sees_money_in_flight()
    {
        new ConcurrencyCheck
        {
            KataType = typeof(Bank),
            Property = "an audit (Bank.TotalBalance) while money moves sees all the money, and does not deadlock with the transfer",
            // Four transfers of 10 from Alice to Bob while the auditor adds up (Bob, Alice) four times: each audit may
            // land inside a transfer, and the auditor's list is not in Id order, as a real caller's may not be.
            Iteration = () => AuditDuringTransfers.Run(transfersAliceToBob: 4, transfersBobToAlice: 0, audits: 4,
                opening: 100m, realThreads: false).MustNeverShowMoneyInFlight(),
            StressIteration = () => AuditDuringTransfers.Run(transfersAliceToBob: 200, transfersBobToAlice: 200, audits: 200,
                opening: 100_000m, realThreads: true).MustNeverShowMoneyInFlight(),
            ExplainDeadlock = () => (AuditDuringTransfers.Last?.ExplainDeadlock() ?? AliceAndBob.GenericDeadlock([])) +
                TimedWait.NoteFor(typeof(Bank), GivingUp),
            ReadNext = ReadNext,
        }.Verify();
    }

    [Test, OnRealThreads]
    public void Many_transfers_and_audits_on_real_threads_finish()
    {
        // What a user of the bank would see: real threads, real timing, no Coyote. A deadlock here is a
        // program that hangs forever; the time limit turns it into a failure.
        const string What = "20,000 transfers Alice→Bob, 20,000 Bob→Alice and 2,000 audits on three real threads at once";
        AuditDuringTransfers? run = null;
        try
        {
            Bounded.Run(s_realThreadsLimit, "running " + What,
                () => run = AuditDuringTransfers.Run(transfersAliceToBob: 20_000, transfersBobToAlice: 20_000, audits: 2_000,
                    opening: 1_000_000m, realThreads: true));
        }
        catch (GradingTimeoutException timeout)
        {
            Assert.Fail(
                $"{timeout.Message}\nThis is what a deadlock looks like in a real program: no exception, no message, the threads " +
                "just stop and wait for each other forever. Transfers_in_both_directions_never_deadlock and " +
                "An_audit_during_a_transfer_never_sees_money_in_flight name the threads and the locks.\n" +
                $"Code graded: {KataInfo.FolderOf(typeof(Bank))}\nRead next: {ReadNext}");
        }

        try
        {
            run!.MustNeverShowMoneyInFlight();
        }
        catch (InvariantViolationException violation)
        {
            Assert.Fail($"With {What}: {violation.Message}\nCode graded: {KataInfo.FolderOf(typeof(Bank))}\nRead next: {ReadNext}");
        }
    }
}
