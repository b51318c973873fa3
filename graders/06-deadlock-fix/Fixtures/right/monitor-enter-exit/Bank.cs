namespace Katas.DeadlockFix;

// Known right: what nested `lock` statements compile to, written out with Monitor.Enter/Exit, the
// locks taken lower Id first (in TryTransfer and in TotalBalance) and released in finally blocks.
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

        var first = from.Id < to.Id ? from : to;
        var second = first == from ? to : from;
        var firstTaken = false;
        var secondTaken = false;
        try
        {
            Monitor.Enter(first.Gate, ref firstTaken);
            Monitor.Enter(second.Gate, ref secondTaken);
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
            if (secondTaken)
            {
                Monitor.Exit(second.Gate);
            }

            if (firstTaken)
            {
                Monitor.Exit(first.Gate);
            }
        }
    }

    public static decimal TotalBalance(params Account[] accounts)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        var ordered = accounts.ToList();
        ordered.Sort((a, b) => a.Id.CompareTo(b.Id));
        return SumHolding(ordered, 0);
    }

    // Takes the locks one by one in Id order, recursively, so each is released by the frame that took it.
    private static decimal SumHolding(List<Account> ordered, int next)
    {
        if (next == ordered.Count)
        {
            return ordered.Sum(account => account.Balance);
        }

        var taken = false;
        try
        {
            Monitor.Enter(ordered[next].Gate, ref taken);
            return SumHolding(ordered, next + 1);
        }
        finally
        {
            if (taken)
            {
                Monitor.Exit(ordered[next].Gate);
            }
        }
    }
}
