namespace Katas.DeadlockFix;

/// <summary>Moves money between accounts and audits them, called from many threads at the same time.</summary>
/// <remarks>
/// Every method that holds more than one account lock takes them in one global order: lower
/// <see cref="Account.Id"/> first. A deadlock needs a cycle (a thread holding A and waiting for B while
/// another holds B and waits for A); when everyone climbs the Ids in the same direction, the thread
/// holding the highest lock in a would-be cycle never waits for a lower one, so there is no cycle.
/// The Id is the key because it is unique and never changes; a balance or the direction of the
/// transfer would give different threads different orders.
/// </remarks>
public static class Bank
{
    /// <summary>
    /// Moves <paramref name="amount"/> from <paramref name="from"/> to <paramref name="to"/>, all or nothing.
    /// </summary>
    /// <returns>True if the money moved; false if <paramref name="from"/> did not have enough, and nothing changed.</returns>
    /// <exception cref="ArgumentException"><paramref name="from"/> and <paramref name="to"/> are the same account.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="amount"/> is not positive.</exception>
    public static bool TryTransfer(Account from, Account to, decimal amount)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(amount);
        if (from == to)
        {
            throw new ArgumentException($"{from.Owner} cannot transfer money to the same account.", nameof(to));
        }

        var (first, second) = from.Id < to.Id ? (from, to) : (to, from);
        // Both locks are held from the check to the last change, so nobody ever sees the money in flight
        // (taken from one account and not yet added to the other).
        lock (first.Gate)
        {
            lock (second.Gate)
            {
                if (from.Balance < amount)
                {
                    return false;
                }

                from.Withdraw(amount);
                to.Deposit(amount);
                return true;
            }
        }
    }

    /// <summary>
    /// The money on all <paramref name="accounts"/> together (each account listed once), read while no
    /// transfer between them is half done: holds every account's lock while it adds up.
    /// </summary>
    public static decimal TotalBalance(params Account[] accounts)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        // The same global order as TryTransfer, whatever order the caller listed the accounts in.
        var ordered = accounts.OrderBy(account => account.Id).ToArray();
        var locked = 0;
        try
        {
            foreach (var account in ordered)
            {
                Monitor.Enter(account.Gate);
                locked++;
            }

            return ordered.Sum(account => account.Balance);
        }
        finally
        {
            for (var i = locked - 1; i >= 0; i--)
            {
                Monitor.Exit(ordered[i].Gate);
            }
        }
    }
}
