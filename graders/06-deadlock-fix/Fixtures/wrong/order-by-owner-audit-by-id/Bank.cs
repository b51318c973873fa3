namespace Katas.DeadlockFix;

// Known wrong: two different orders. TryTransfer takes the locks in the order of the owners' names, and
// TotalBalance, following Hint 4, in the order of the Ids. For Alice (#1) and Bob (#2) both orders agree;
// for Zoe (#1) and Adam (#2) they are opposite, and an audit deadlocks with a transfer.
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

        var (first, second) = string.CompareOrdinal(from.Owner, to.Owner) < 0 ? (from, to) : (to, from);
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
