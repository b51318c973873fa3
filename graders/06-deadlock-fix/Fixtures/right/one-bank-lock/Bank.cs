namespace Katas.DeadlockFix;

// Known right: one lock for the whole bank. With a single lock there is no order to get wrong, so no
// deadlock, and no audit can see a transfer half done. It is correct and simpler; the price is that
// transfers between unrelated accounts (Alice→Bob, Carol→Dave) wait for each other too. The grader must
// pass it.
public static class Bank
{
    private static readonly object s_gate = new();

    public static bool TryTransfer(Account from, Account to, decimal amount)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(amount);
        if (from == to)
        {
            throw new ArgumentException($"{from.Owner} cannot transfer money to the same account.", nameof(to));
        }

        lock (s_gate)
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
        lock (s_gate)
        {
            return accounts.Sum(account => account.Balance);
        }
    }
}
