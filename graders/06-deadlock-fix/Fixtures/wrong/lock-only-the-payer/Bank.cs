namespace Katas.DeadlockFix;

// Known wrong: one lock per transfer, so no deadlock: only the paying account is locked. But the
// receiving account's balance is changed without its lock, while another transfer may hold that lock
// and change the same balance: Alice→Bob and Bob→Alice both write Bob's balance, and one write is lost.
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
            to.Deposit(amount);
            return true;
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
