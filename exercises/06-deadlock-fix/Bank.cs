namespace Katas.DeadlockFix;

/// <summary>Moves money between accounts and audits them, called from many threads at the same time.</summary>
/// <remarks>
/// TODO: a transfer from Alice to Bob and a transfer from Bob to Alice that run at the same time can
/// deadlock: each takes its <c>from</c> account's lock, then waits forever for the other account's lock,
/// which the other thread holds. An audit that lists the accounts in another order can deadlock with a
/// transfer the same way. Make every method that holds more than one account lock take them in one
/// fixed order. See README.md.
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

        lock (from.Gate)
        {
            lock (to.Gate)
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
        var locked = 0;
        try
        {
            foreach (var account in accounts)
            {
                Monitor.Enter(account.Gate);
                locked++;
            }

            return accounts.Sum(account => account.Balance);
        }
        finally
        {
            for (var i = locked - 1; i >= 0; i--)
            {
                Monitor.Exit(accounts[i].Gate);
            }
        }
    }
}
