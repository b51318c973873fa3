namespace Katas.DeadlockFix;

// Known wrong: "never hold two locks, then there is no deadlock". True, but the transfer is no longer
// atomic: between releasing Alice's lock and taking Bob's, the money is in neither account, and an audit
// that holds both locks sees it missing.
public static class Bank
{
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
            if (from.Balance < amount)
            {
                return false;
            }

            from.Withdraw(amount);
        }

        lock (to.Gate)
        {
            to.Deposit(amount);
        }

        return true;
    }

    public static decimal TotalBalance(params Account[] accounts)
    {
        ArgumentNullException.ThrowIfNull(accounts);
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
