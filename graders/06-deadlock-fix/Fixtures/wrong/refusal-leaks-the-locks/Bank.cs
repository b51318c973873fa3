namespace Katas.DeadlockFix;

// Known wrong: the locks are taken in Id order with Monitor.Enter and released with Monitor.Exit at the
// end, like the lesson's acquire()/release(), but without try/finally: the early `return false` for a
// transfer without enough money leaves both accounts locked for ever. The next transfer touching either
// account, on any other thread, waits for ever.
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
        Monitor.Enter(first.Gate);
        Monitor.Enter(second.Gate);
        if (from.Balance < amount)
        {
            return false;
        }

        from.Withdraw(amount);
        to.Deposit(amount);
        Monitor.Exit(second.Gate);
        Monitor.Exit(first.Gate);
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
