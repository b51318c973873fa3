using System.Diagnostics;
using System.Runtime.CompilerServices;
using Katas.DeadlockFix;

namespace Katas.Graders.DeadlockFix;

/// <summary>
/// The accounts of the scenarios, chosen so that every order but a unique, unchanging one fails somewhere: Alice (#1)
/// and Bob (#2), whose names sort like their Ids; Zoe (#1), Mia (#2) and Adam (#3), whose names sort against their Ids;
/// and two accounts of Alex with the same balance and the same hash code, which only their Ids tell apart.
/// </summary>
internal static class People
{
    public const decimal Amount = 10m;

    public static (Account Alice, Account Bob) AliceAndBob(decimal opening) =>
        (new Account(1, "Alice", opening), new Account(2, "Bob", opening));

    /// <summary>Names in the reverse order of the Ids: an order by name and an order by Id disagree on every pair.</summary>
    public static (Account Zoe, Account Mia, Account Adam) Trio(decimal opening) =>
        (new Account(1, "Zoe", opening), new Account(2, "Mia", opening), new Account(3, "Adam", opening));

    /// <summary>How messages name an account: by its owner, with the Id where two accounts share an owner.</summary>
    public static string Name(Account account) => account.Owner == TiedPairs.Owner ? $"{account.Owner} #{account.Id}" : account.Owner;

    public static string List(params Account[] accounts) => string.Join(", ", accounts.Select(account => account.Owner + " #" + account.Id));
}

/// <summary>
/// Pairs of accounts that tie on everything a student might order locks by except the Id: the same owner, the same
/// balance, and the same hash code (an Account does not override GetHashCode, so it is the object's identity hash:
/// random, fixed for the object's life, 26 bits, so about one pair in 67 million collides; among 48,000 accounts about
/// 17 pairs do). Found once per test process, outside any Coyote exploration, and reused: every scenario that uses a
/// pair moves as much money each way, so a correct bank leaves both balances where they were.
/// </summary>
internal static class TiedPairs
{
    public const string Owner = "Alex";
    public const decimal Opening = 1_000m;
    private static readonly Lazy<IReadOnlyList<(Account First, Account Second)>> s_pairs = new(Find);
    private static int s_next;

    public static (Account First, Account Second) Next()
    {
        var pairs = s_pairs.Value;
        return pairs[Interlocked.Increment(ref s_next) % pairs.Count];
    }

    /// <summary>Finds the pairs; call it before an exploration (under Coyote every constructor's field write is a step).</summary>
    public static void Prepare() => _ = s_pairs.Value;

    private static List<(Account, Account)> Find()
    {
        var pairs = new List<(Account, Account)>();
        var byHash = new Dictionary<int, Account>();
        for (var id = 1; pairs.Count < 16; id++)
        {
            var account = new Account(id, Owner, Opening);
            var hash = RuntimeHelpers.GetHashCode(account);
            if (!byHash.Remove(hash, out var twin))
            {
                byHash[hash] = account;
                continue;
            }

            pairs.Add((twin, account));
        }

        return pairs;
    }
}

/// <summary>
/// One run of a scenario: grader threads ("tellers") calling the bank at the same time, each recording where it is, so
/// that after a deadlock (Coyote's, or a real-thread run that did not finish in time) the message names who waited in
/// which call, and after the run the invariants speak of the accounts and calls of this scenario.
/// </summary>
internal sealed class BankRun
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(10);

    private readonly List<Teller> _tellers = [];
    private readonly List<Action> _bodies = [];
    private readonly Dictionary<Account, decimal> _openings = [];
    private readonly string _why;
    private string? _refused;
    private string? _inFlight;
    private string? _unexpected;
    private int[]? _meetings;
    private ManualResetEvent[]? _started;
    private int _parties;
    private int _meetingsWanted;
    private TimeSpan _atMost;
    private long[]? _progress;
    private int _transfersRunning;

    /// <param name="why">What this scenario's accounts teach when it deadlocks (added to the list of stuck threads).</param>
    public BankRun(string why, params Account[] accounts)
    {
        _why = why;
        foreach (var account in accounts)
        {
            _openings[account] = account.Balance;
        }
    }

    /// <summary>The most transfers one thread makes in a stress run (<see cref="UntilTheyMeet"/>): openings must cover them.</summary>
    public const int MostStressTransfers = 100_000;

    /// <summary>
    /// Stress runs only (real threads): every transferring thread goes on after its <c>count</c> transfers until it has seen
    /// the other transferring threads make progress between two of its own transfers <paramref name="meetings"/> times, or
    /// for <paramref name="atMost"/>, and the auditor until the transfers end. A fixed count finished inside one time slice
    /// on a loaded machine, and the threads never met: 300 transfers each way with locks taken (from, to) passed 20 stress
    /// runs at a load of 90 on 2 cores. Openings must cover <see cref="MostStressTransfers"/> transfers per thread.
    /// </summary>
    public BankRun UntilTheyMeet(int meetings, TimeSpan atMost)
    {
        (_meetingsWanted, _atMost) = (meetings, atMost);
        return this;
    }

    /// <summary>A thread making <paramref name="count"/> transfers of <see cref="People.Amount"/>, each of which must go through.</summary>
    public BankRun Transfers(Account from, Account to, int count)
    {
        var teller = Add($"the thread transferring {from.Owner} #{from.Id}→{to.Owner} #{to.Id}");
        var index = _parties++;
        _bodies.Add(() =>
        {
            // Locals, not the closure's fields: under Coyote every read of a field is a scheduling step, and the fewer steps
            // between the start of a round and the bank's first lock, the likelier the threads lock at the same moment.
            var (who, payer, payee, rounds, progress) = (teller, from, to, count, _progress);
            var call = Transfer(payer, payee, People.Amount);
            var clock = progress is null ? null : Stopwatch.StartNew();
            var (othersSeen, met) = (0L, 0);
            try
            {
                for (var i = 0; i < rounds || (progress is not null && i < MostStressTransfers && met < _meetingsWanted && clock!.Elapsed < _atMost); i++)
                {
                    Meet(who, i);
                    if (who.Transfer(call, payer, payee, People.Amount))
                    {
                        who.Moved.Add((payer, payee));
                    }
                    else
                    {
                        Interlocked.CompareExchange(ref _refused, rounds > 1 ? $"{call} (transfer {i + 1})" : call, null);
                    }

                    if (progress is not null)
                    {
                        Volatile.Write(ref progress[index], i + 1);
                        var others = 0L;
                        for (var j = 0; j < progress.Length; j++)
                        {
                            others += j == index ? 0 : Volatile.Read(ref progress[j]);
                        }

                        if (others != othersSeen)
                        {
                            (othersSeen, met) = (others, met + 1);
                        }
                    }
                }
            }
            finally
            {
                if (progress is not null)
                {
                    Interlocked.Decrement(ref _transfersRunning);
                }
            }
        });
        return this;
    }

    /// <summary>
    /// Under Coyote, the transferring threads start each of their transfers together (a controlled barrier): a deadlock of
    /// three needs all three threads between their first and second lock at once, which Coyote's random schedules reached
    /// once in 30 when the threads started their transfers at different moments (measured on the cycle of three).
    /// </summary>
    public BankRun TransfersMeetEachRound(int rounds)
    {
        _meetings = new int[rounds];
        _started = [.. Enumerable.Range(0, rounds).Select(_ => new ManualResetEvent(false))];
        return this;
    }

    private void Meet(Teller teller, int round)
    {
        var (meetings, started) = (_meetings, _started);
        if (meetings is null || started is null || round >= meetings.Length || !Invariant.IsExploring)
        {
            return;
        }

        // An event, not Monitor.Wait: every waiter becomes runnable at once when it is set, instead of one after another as
        // each takes the monitor back.
        teller.WaitingFor = $"the other transferring threads, to start transfer {round + 1} together";
        if (Interlocked.Increment(ref meetings[round]) == _parties)
        {
            started[round].Set();
        }
        else
        {
            started[round].WaitOne();
        }

        teller.WaitingFor = null;
    }

    /// <summary>One transfer of <see cref="People.Amount"/> that must go through (the money is there); returns whether it did.</summary>
    public bool TransferOnce(Teller teller, Account from, Account to, string? which = null)
    {
        var call = Transfer(from, to, People.Amount);
        if (teller.Call(call, () => Bank.TryTransfer(from, to, People.Amount)))
        {
            teller.Moved.Add((from, to));
            return true;
        }

        Interlocked.CompareExchange(ref _refused, which is null ? call : $"{call} {which}", null);
        return false;
    }

    /// <summary>A thread auditing the accounts in the order given, <paramref name="count"/> times.</summary>
    public BankRun Audits(Account[] listed, int count)
    {
        var call = $"Bank.TotalBalance({string.Join(", ", listed.Select(People.Name))})";
        var teller = Add("the auditor");
        var expected = listed.Sum(account => _openings[account]);
        _bodies.Add(() =>
        {
            for (var i = 0; i < count || (_progress is not null && Volatile.Read(ref _transfersRunning) > 0); i++)
            {
                var total = teller.Call(call, () => Bank.TotalBalance(listed));
                if (total != expected)
                {
                    Interlocked.CompareExchange(ref _inFlight,
                        $"{call} returned {total}, but {People.List(listed)} hold {expected} together before, during and after " +
                        $"every transfer between them: transfers only move money. The audit saw money in flight, {Math.Abs(total - expected)} " +
                        $"{(total < expected ? "already taken from one account and not yet added to the other" : "already added to one account and not yet taken from the other")}.",
                        null);
                }
            }
        });
        return this;
    }

    /// <summary>A thread of its own doing whatever <paramref name="body"/> does through <see cref="Teller.Call"/>.</summary>
    public BankRun Thread(string who, Action<Teller, BankRun> body)
    {
        var teller = Add(who);
        _bodies.Add(() => body(teller, this));
        return this;
    }

    /// <summary>Notes something a teller saw that the bank must never do (reported by <see cref="MustHaveSeenNothingWrong"/>).</summary>
    public void Unexpected(string what) => Interlocked.CompareExchange(ref _unexpected, what, null);

    public static string Transfer(Account from, Account to, decimal amount) =>
        $"Bank.TryTransfer({People.Name(from)}, {People.Name(to)}, {amount})";

    /// <summary>How the message of a run that did not finish begins.</summary>
    public static string NotFinished => $"The threads did not finish within {s_limit.TotalSeconds:0} s.";

    /// <summary>
    /// Starts every thread together (GraderThreads) and joins them; a run that does not finish is a deadlock. Played in
    /// <paramref name="scene"/>, so that the check's explainer can name who was stuck where.
    /// </summary>
    public BankRun Run(Scene<BankRun> scene)
    {
        scene.Play(this);
        if (_meetingsWanted > 0 && !Invariant.IsExploring)
        {
            (_progress, _transfersRunning) = (new long[_parties], _parties);
        }

        var finished = GraderThreads.Run(s_limit, [.. _bodies]);
        Must(finished, () => $"{NotFinished} {ExplainDeadlock()}");
        return this;
    }

    /// <summary>
    /// One more transfer, on the calling thread, after every thread of the run has finished: a lock that a finished thread
    /// left held (a refused call that returned or threw between Monitor.Enter and Monitor.Exit) stops it.
    /// </summary>
    public BankRun AfterwardsOnThisThread(Account from, Account to)
    {
        var teller = Add($"the grader's own thread, transferring {from.Owner}→{to.Owner} after every other thread had finished");
        TransferOnce(teller, from, to);
        return this;
    }

    /// <summary>Every transfer went through (the money was always there) and moved exactly its amount.</summary>
    public void MustKeepEveryPaymentAndAllTheMoney()
    {
        MustHaveSeenNothingWrong();
        Must(_refused is null, () =>
            $"{_refused} returned false, but the money was there: {People.List([.. _openings.Keys])} opened with " +
            $"{string.Join(", ", _openings.Values.Distinct())}, more than ever leaves them in this run. TryTransfer may return false " +
            "only when the account does not have the money. A transfer that gives up because a lock was busy (Monitor.TryEnter " +
            "with a timeout, for example) silently drops a payment that should have gone through. Wait for the locks instead, " +
            "and make the waiting safe by taking them in one fixed order in every transfer (for example lower Id first).");
        MustMoveExactlyWhatSucceeded();
    }

    /// <summary>No audit saw money in flight; every transfer went through and moved exactly its amount.</summary>
    public void MustNeverShowMoneyInFlight()
    {
        Must(_inFlight is null, () =>
            $"{_inFlight} Either TryTransfer did not hold both accounts' locks for the whole move (it let go of the first before " +
            "taking the second, say, or never took one of them), or TotalBalance read a balance without holding that account's " +
            "lock, or let go of one before reading the others. TryTransfer must hold both locks from its check to its last " +
            "change; TotalBalance must hold every account's lock while it adds up, taking them in the same order as TryTransfer.");
        MustKeepEveryPaymentAndAllTheMoney();
    }

    public void MustHaveSeenNothingWrong() => Must(_unexpected is null, () => _unexpected!);

    /// <summary>
    /// Invariant.Holds with a message built only when it is needed: under Coyote every read of a balance is a scheduling
    /// step, and a message that reads them all, built on every schedule, makes every schedule longer.
    /// </summary>
    public static void Must(bool holds, Func<string> message)
    {
        if (!holds)
        {
            Invariant.Holds(false, message());
        }
    }

    /// <summary>Each account ends at its opening plus what the transfers that reported success brought, minus what they took.</summary>
    public void MustMoveExactlyWhatSucceeded()
    {
        var total = _openings.Keys.Sum(account => account.Balance);
        var opened = _openings.Values.Sum();
        Must(total == opened, () =>
            $"After the transfers {Balances()}: {total} together, but they opened with {opened} and transfers only move money, so " +
            $"{Math.Abs(total - opened)} was {(total < opened ? "lost" : "created")}. Two threads changed the same balance at the " +
            "same time and one change overwrote the other. Every read and change of a balance must happen while holding that " +
            "account's lock.");
        foreach (var (account, opening) in _openings)
        {
            var moved = _tellers.SelectMany(teller => teller.Moved)
                .Sum(move => (move.To == account ? People.Amount : 0m) - (move.From == account ? People.Amount : 0m));
            Must(account.Balance == opening + moved, () =>
                $"After the transfers {Balances()}, but {account.Owner} #{account.Id} opened with {opening} and the transfers that " +
                $"returned true moved {moved:+0.##;-0.##;0} to it, so it should have {opening + moved}. A transfer that reports " +
                "success takes exactly its amount from `from` and adds it to `to`, once.");
        }
    }

    /// <summary>Who was stuck in which call, and what this scenario's accounts teach about it.</summary>
    public string ExplainDeadlock()
    {
        var stuck = _tellers.Where(teller => teller.StuckIn is not null).ToList();
        var finished = _tellers.Where(teller => teller.StuckIn is null && teller.WaitingFor is null).Select(teller => teller.Who).ToList();
        if (stuck.Count == 0)
        {
            return "Deadlock: every thread was waiting for a lock that another waiting thread held, so none could go on. Take " +
                "the account locks in one fixed order everywhere (for example lower Id first).";
        }

        var who = string.Join("; ", stuck.Select(teller => $"{teller.Who} is stuck in {teller.StuckIn}"));
        if (stuck.Count == 1)
        {
            return $"Deadlock: {who}, and can never go on, although {string.Join(" and ", finished)} finished. It waits for an " +
                "account lock that nobody will ever release: a lock was taken and not released (a `return` or an exception " +
                "between Monitor.Enter and Monitor.Exit?). Release every lock in a `finally` block, or use `lock`, which does it " +
                "for you.";
        }

        return $"Deadlock: {who}. None of them can ever go on: each holds an account lock and waits for one that another of " +
            $"them holds{(finished.Count > 0 ? $" (or that a thread which has finished, {string.Join(" and ", finished)}, never released)" : "")}. " +
            _why;
    }

    private string Balances() => string.Join(", ", _openings.Keys.Select(account => $"{account.Owner} #{account.Id} has {account.Balance}"));

    private Teller Add(string who)
    {
        var teller = new Teller(who);
        _tellers.Add(teller);
        return teller;
    }
}
