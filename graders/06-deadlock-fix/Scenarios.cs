using Katas.DeadlockFix;

namespace Katas.Graders.DeadlockFix;

/// <summary>Starts grader threads the way every scenario needs them.</summary>
internal static class Threads
{
    /// <summary>Runs the bodies on new threads started together and joins them all.</summary>
    /// <param name="realThreads">
    /// Outside Coyote: background threads, so that threads a deadlock abandoned cannot keep the test host
    /// alive. Inside Coyote the threads are left exactly as created (and unnamed: Coyote loses control of
    /// a thread whose Name is set).
    /// </param>
    public static void RunTogether(bool realThreads, params Action[] bodies)
    {
        var threads = bodies.Select(body => new Thread(() => body())).ToList();
        foreach (var thread in threads)
        {
            if (realThreads)
            {
                thread.IsBackground = true;
            }

            thread.Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }
    }
}

/// <summary>The accounts every scenario uses: Alice (#1) and Bob (#2), both opening with the same balance.</summary>
internal sealed class AliceAndBob(decimal opening)
{
    public const decimal Amount = 10m;

    public decimal Opening { get; } = opening;

    public Account Alice { get; } = new(1, "Alice", opening);

    public Account Bob { get; } = new(2, "Bob", opening);

    public static string Transfer(Account from, Account to) => $"Bank.TryTransfer({from.Owner}, {to.Owner}, {Amount})";

    /// <summary>The message for a deadlock in which the recorded threads below are stuck, when no scenario has a better one.</summary>
    public static string GenericDeadlock(IReadOnlyList<Teller> tellers)
    {
        var stuck = tellers.Where(teller => teller.StuckIn is not null).ToList();
        if (stuck.Count == 1)
        {
            var others = string.Join(" and ", tellers.Where(teller => teller.StuckIn is null).Select(teller => teller.Who));
            return $"Deadlock: {Describe(stuck[0])} and can never go on, although {others} finished. It waits for an account " +
                "lock that nobody will ever release: a lock was taken and not released (a `return` or an exception between " +
                "Monitor.Enter and Monitor.Exit?). Release every lock in a `finally` block, or use `lock`, which does it for you.";
        }

        if (stuck.Count > 1)
        {
            return $"Deadlock: {string.Join("; ", stuck.Select(Describe))}. None of them can ever go on: each holds an account " +
                "lock and waits for one that another of them holds. Take the account locks in one fixed order everywhere " +
                "(for example lower Id first), whatever order the accounts come in.";
        }

        return "Deadlock: every thread was waiting for a lock that another waiting thread held, so none could go on. Take the " +
            "account locks in one fixed order everywhere (for example lower Id first).";
    }

    public static string Describe(Teller teller) => $"{teller.Who} is stuck in {teller.StuckIn}";
}

/// <summary>
/// Two threads moving money between the same two accounts in opposite directions at the same time:
/// Alice→Bob and Bob→Alice, the classic deadlock of nested locks taken in the order (from, to).
/// </summary>
internal sealed class TwoWayTransfers
{
    private static TwoWayTransfers? s_last;
    private readonly AliceAndBob _bank;
    private readonly int _transfersEachWay;
    private string? _refused;

    private TwoWayTransfers(int transfersEachWay, decimal opening)
    {
        _bank = new AliceAndBob(opening);
        _transfersEachWay = transfersEachWay;
        AliceToBob = new Teller("the thread transferring Alice→Bob");
        BobToAlice = new Teller("the thread transferring Bob→Alice");
    }

    /// <summary>The run the last Coyote schedule made: after a deadlock, it holds who was stuck where.</summary>
    public static TwoWayTransfers? Last => s_last;

    public Teller AliceToBob { get; }

    public Teller BobToAlice { get; }

    public static TwoWayTransfers Run(int transfersEachWay, decimal opening, bool realThreads)
    {
        var run = new TwoWayTransfers(transfersEachWay, opening);
        s_last = run;
        Threads.RunTogether(realThreads,
            () => run.TransferMany(run.AliceToBob, run._bank.Alice, run._bank.Bob),
            () => run.TransferMany(run.BobToAlice, run._bank.Bob, run._bank.Alice));
        return run;
    }

    private void TransferMany(Teller teller, Account from, Account to)
    {
        var call = AliceAndBob.Transfer(from, to);
        for (var i = 0; i < _transfersEachWay; i++)
        {
            if (!teller.Call(call, () => Bank.TryTransfer(from, to, AliceAndBob.Amount)))
            {
                Interlocked.CompareExchange(ref _refused, $"{call} (transfer {i + 1} of {_transfersEachWay} {from.Owner}→{to.Owner})", null);
            }
        }
    }

    /// <summary>Every payment went through, and the money is all there, exactly where it should be.</summary>
    public void MustKeepEveryPaymentAndAllTheMoney()
    {
        var alice = _bank.Alice.Balance;
        var bob = _bank.Bob.Balance;
        var opening = _bank.Opening;
        var mostEverLeaving = _transfersEachWay * AliceAndBob.Amount;

        Invariant.Holds(_refused is null,
            $"{_refused} returned false, but the money was there: each account opens with {opening}, and at most " +
            $"{mostEverLeaving} ever leaves it. TryTransfer may return false only when the account does not have the money. " +
            "A transfer that gives up because a lock was busy (Monitor.TryEnter with a timeout, for example) silently drops a " +
            "payment that should have gone through. Wait for the locks instead, and make the waiting safe by taking them in " +
            "one fixed order in every transfer (for example lower Id first).");

        var total = alice + bob;
        Invariant.Holds(total == 2 * opening,
            $"After {_transfersEachWay} transfers of {AliceAndBob.Amount} each way, Alice has {alice} and Bob has {bob}: " +
            $"{total} together, but they opened with {2 * opening} and transfers only move money, so " +
            $"{Math.Abs(total - 2 * opening)} was {(total < 2 * opening ? "lost" : "created")}. Two threads changed the same " +
            "balance at the same time and one change overwrote the other. Every read and change of a balance must happen " +
            "while holding that account's lock.");

        Invariant.Holds(alice >= 0 && bob >= 0,
            $"After the transfers Alice has {alice} and Bob has {bob}: a balance went below zero. TryTransfer must check " +
            "that the money is there and take it in one step, holding the lock of the account it takes it from.");

        Invariant.Holds(alice == opening && bob == opening,
            $"After {_transfersEachWay} transfers of {AliceAndBob.Amount} each way, Alice and Bob should both be back at " +
            $"{opening}, but Alice has {alice} and Bob has {bob}. Every transfer reported success, so each must have taken " +
            "exactly its amount from `from` and added it to `to`.");
    }

    public string ExplainDeadlock()
    {
        if (AliceToBob.StuckIn is null || BobToAlice.StuckIn is null)
        {
            return AliceAndBob.GenericDeadlock([AliceToBob, BobToAlice]);
        }

        return $"Deadlock: {AliceAndBob.Describe(AliceToBob)} and {AliceAndBob.Describe(BobToAlice)}, and neither can " +
            "ever go on. Each holds one of the two account locks, Alice's or Bob's, and waits for the other one, which the " +
            "other thread holds and will never let go. That is what `lock (from) { lock (to) { ... } }` does when money goes " +
            "both ways at once: the thread transferring Alice→Bob holds Alice's account lock and waits for Bob's, while the " +
            "thread transferring Bob→Alice holds Bob's and waits for Alice's. The order in which the locks are released does " +
            "not matter, since neither thread gets that far; the order in which they are taken does. Take the two locks in " +
            "one fixed order in every transfer, whichever way the money goes: for example the account with the lower Id " +
            "first (Alice is #1, Bob is #2). The order must not depend on the direction of the transfer, nor on anything " +
            "that changes, like a balance.";
    }
}

/// <summary>
/// An auditor adding up the accounts with Bank.TotalBalance while transfers run. It lists the accounts
/// as (Bob, Alice), not in Id order, as a real caller may.
/// </summary>
internal sealed class AuditDuringTransfers
{
    public const string AuditCall = "Bank.TotalBalance(Bob, Alice)";

    private static AuditDuringTransfers? s_last;
    private readonly AliceAndBob _bank;
    private readonly int _transfersAliceToBob;
    private readonly int _transfersBobToAlice;
    private readonly int _audits;
    private readonly List<Teller> _tellers = [];
    private string? _refused;
    private decimal? _wrongTotal;

    private AuditDuringTransfers(int transfersAliceToBob, int transfersBobToAlice, int audits, decimal opening)
    {
        _bank = new AliceAndBob(opening);
        _transfersAliceToBob = transfersAliceToBob;
        _transfersBobToAlice = transfersBobToAlice;
        _audits = audits;
        AliceToBob = new Teller($"the thread transferring {AliceAndBob.Amount} from Alice to Bob");
        BobToAlice = new Teller($"the thread transferring {AliceAndBob.Amount} from Bob to Alice");
        Auditor = new Teller("the auditor");
    }

    /// <summary>The run the last Coyote schedule made: after a deadlock, it holds who was stuck where.</summary>
    public static AuditDuringTransfers? Last => s_last;

    public Teller AliceToBob { get; }

    public Teller BobToAlice { get; }

    public Teller Auditor { get; }

    public static AuditDuringTransfers Run(int transfersAliceToBob, int transfersBobToAlice, int audits, decimal opening, bool realThreads)
    {
        var run = new AuditDuringTransfers(transfersAliceToBob, transfersBobToAlice, audits, opening);
        s_last = run;
        var bodies = new List<Action>
        {
            () => run.TransferMany(run.AliceToBob, run._bank.Alice, run._bank.Bob, transfersAliceToBob),
            run.AuditMany,
        };
        run._tellers.AddRange([run.AliceToBob, run.Auditor]);
        if (transfersBobToAlice > 0)
        {
            bodies.Add(() => run.TransferMany(run.BobToAlice, run._bank.Bob, run._bank.Alice, transfersBobToAlice));
            run._tellers.Add(run.BobToAlice);
        }

        Threads.RunTogether(realThreads, [.. bodies]);
        return run;
    }

    private void TransferMany(Teller teller, Account from, Account to, int transfers)
    {
        var call = AliceAndBob.Transfer(from, to);
        for (var i = 0; i < transfers; i++)
        {
            if (!teller.Call(call, () => Bank.TryTransfer(from, to, AliceAndBob.Amount)))
            {
                Interlocked.CompareExchange(ref _refused, call, null);
            }
        }
    }

    private void AuditMany()
    {
        for (var i = 0; i < _audits; i++)
        {
            var total = Auditor.Call(AuditCall, () => Bank.TotalBalance(_bank.Bob, _bank.Alice));
            if (total != 2 * _bank.Opening && _wrongTotal is null)
            {
                _wrongTotal = total;
            }
        }
    }

    private string TransfersRunning => _transfersBobToAlice > 0 ? "transfers ran both ways between Alice and Bob" : AliceToBob.Who + " ran";

    /// <summary>The auditor never saw money in flight; the transfers went through and the money is all there.</summary>
    public void MustNeverShowMoneyInFlight()
    {
        var opening = _bank.Opening;
        var expected = 2 * opening;
        if (_wrongTotal is { } seen)
        {
            var gap = Math.Abs(seen - expected);
            var where = seen < expected
                ? $"{gap} already taken from one account and not yet added to the other"
                : $"{gap} already added to one account and not yet taken from the other";
            Invariant.Holds(false,
                $"{AuditCall} returned {seen} while {TransfersRunning}, but Alice and Bob hold {expected} together before, " +
                $"during and after every transfer: transfers only move money. The audit saw money in flight, {where}. Either " +
                "TryTransfer did not hold both accounts' locks for the whole move (it let go of the first before taking the " +
                "second, say, or never took one of them), or TotalBalance read a balance without holding that account's lock. " +
                "TryTransfer must hold both locks from its check to its last change; TotalBalance must hold every account's " +
                "lock while it adds up, taking them in the same order as TryTransfer.");
        }

        Invariant.Holds(_refused is null,
            $"{_refused} returned false, but the money was there. TryTransfer may return false only when the account does " +
            "not have the money; a transfer that gives up because a lock was busy drops a payment that should have gone " +
            "through. Wait for the locks, in one fixed order (for example lower Id first).");

        var alice = _bank.Alice.Balance;
        var bob = _bank.Bob.Balance;
        var moved = (_transfersAliceToBob - _transfersBobToAlice) * AliceAndBob.Amount;
        Invariant.Holds(alice == opening - moved && bob == opening + moved,
            $"After the transfers Alice has {alice} and Bob has {bob}, but they opened with {opening} each and every transfer " +
            $"reported success, so Alice should have {opening - moved} and Bob {opening + moved}. A change of a balance was " +
            "lost or made twice: every change must happen while holding that account's lock.");
    }

    public string ExplainDeadlock()
    {
        if (Auditor.StuckIn is not null && AliceToBob.StuckIn is not null && BobToAlice.StuckIn is null)
        {
            return $"Deadlock: {AliceAndBob.Describe(Auditor)} and {AliceAndBob.Describe(AliceToBob)}, and neither can ever " +
                "go on. Each holds one of the two account locks, Alice's or Bob's, and waits for the other one, which the other " +
                "thread holds and will never let go. TryTransfer and TotalBalance take the same two locks in different orders. " +
                "The auditor listed the accounts as (Bob, Alice): a TotalBalance that locks them in the order it is given takes " +
                "Bob's first, while a transfer from Alice to Bob that locks `from` first, or the lower Id first, takes Alice's. " +
                "Every method that holds more than one account lock " +
                "must take them in the same global order, whatever order its arguments come in: for example lower Id first " +
                "(Alice is #1, Bob is #2), in TryTransfer and in TotalBalance alike.";
        }

        return AliceAndBob.GenericDeadlock(_tellers);
    }
}
