namespace Katas.DeadlockFix;

// Known wrong: the lesson's comment taken at its word. The locks are released carefully, in the reverse
// order of taking them (to, then from), but they are still TAKEN in the order (from, to): Alice→Bob takes
// Alice's lock, Bob→Alice takes Bob's, and each waits forever for the other. Release order never causes
// or cures a deadlock; acquisition order does.
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

        Monitor.Enter(from.Gate);
        try
        {
            Monitor.Enter(to.Gate);
            try
            {
                if (from.Balance < amount)
                {
                    return false;
                }

                from.Withdraw(amount);
                to.Deposit(amount);
                return true;
            }
            finally
            {
                Monitor.Exit(to.Gate);
            }
        }
        finally
        {
            Monitor.Exit(from.Gate);
        }
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
