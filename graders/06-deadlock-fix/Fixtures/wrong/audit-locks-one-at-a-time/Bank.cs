namespace Katas.DeadlockFix;

// Known wrong: TryTransfer is right, and TotalBalance never deadlocks because it holds one lock at a time:
// it locks each account only while reading its balance. Between two reads a transfer can complete, so the
// audit counts the money before it left one account and again after it reached the other (or neither).
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
        decimal total = 0;
        foreach (var account in accounts.OrderBy(account => account.Id))
        {
            lock (account.Gate)
            {
                total += account.Balance;
            }
        }

        return total;
    }
}
