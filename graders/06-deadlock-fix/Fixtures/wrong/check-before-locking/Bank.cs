namespace Katas.DeadlockFix;

// Known wrong: the locks are taken in Id order, but the balance is checked before taking them ("only a
// read, no lock needed"). Two transfers of 10 from an account holding 10, to two different accounts, both
// see 10, both pass the check, and both take 10: the account ends at -10. With balances far from zero the
// mistake never shows.
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

        if (from.Balance < amount)
        {
            return false;
        }

        var (first, second) = from.Id < to.Id ? (from, to) : (to, from);
        lock (first.Gate)
        {
            lock (second.Gate)
            {
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
