namespace Katas.DeadlockFix;

// Known wrong: one order everywhere, by GetHashCode(), which for an Account is fixed for the object's life.
// But hash codes are not unique: two accounts can share one, and the tie falls back to (to, from) for
// both directions, so Alice→Alex takes Alex's lock first and Alex→Alice takes Alice's first: a deadlock.
// Rare with two accounts; a bank has millions.
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

        var (first, second) = from.GetHashCode() < to.GetHashCode() ? (from, to) : (to, from);
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

    public static decimal TotalBalance(params Account[] accounts)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        var ordered = accounts.OrderBy(account => account.GetHashCode()).ToArray();
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
