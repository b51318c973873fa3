namespace Katas.DeadlockFix;

// Known wrong: the deadlock "fixed" with a timeout. The locks are still taken in the order (from, to);
// when the second one is busy for a while, the transfer backs off and returns false. No thread hangs,
// but a payment that had the money is silently refused, as if the account were empty. Hard for the grader:
// Coyote models TryEnter as a wait that never gives up (so it sees a deadlock where real threads give up), so
// a deadlock Coyote reports in code that tries locks is no verdict; real threads must catch the refusal.
public static class Bank
{
    private static readonly TimeSpan s_patience = TimeSpan.FromMilliseconds(50);

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
            if (!Monitor.TryEnter(to.Gate, s_patience))
            {
                return false;
            }

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
