namespace Katas.DeadlockFix;

// Known wrong: one order everywhere, but by the owner's name. Names are not unique: two accounts of the
// same person (or two people called Alex) tie, and a tie falls back to (from, to), so two transfers between
// them in opposite directions take the two locks in opposite orders and deadlock. With Alice and Bob the
// order by name is the order by Id, and every two-person scenario passes.
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

        var (first, second) = string.CompareOrdinal(from.Owner, to.Owner) <= 0 ? (from, to) : (to, from);
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
        var ordered = accounts.OrderBy(account => account.Owner, StringComparer.Ordinal).ToArray();
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
