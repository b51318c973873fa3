namespace Katas.DeadlockFix;

// Known wrong: ordering on only one path. TryTransfer takes the locks lower Id first, but TotalBalance
// takes them in the order its caller listed the accounts. An auditor asking for (Bob, Alice) takes Bob's
// lock first while a transfer Alice→Bob takes Alice's first: the two methods deadlock with each other.
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

        var (first, second) = from.Id < to.Id ? (from, to) : (to, from);
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
