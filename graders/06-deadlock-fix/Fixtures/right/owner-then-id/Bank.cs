namespace Katas.DeadlockFix;

// Known right: one global order that is not the Id order: by owner name, ties broken by Id (a composite key,
// like ORDER BY owner, id). It is unique and never changes, so it is an order; TryTransfer and TotalBalance
// use the same comparer. Hard for the grader: with accounts whose names sort against their Ids the locks are
// taken higher Id first, so a grader that checks "lower Id first" instead of "no deadlock" would fail it.
public static class Bank
{
    private static readonly Comparer<Account> s_lockOrder = Comparer<Account>.Create((x, y) =>
    {
        var byOwner = string.CompareOrdinal(x.Owner, y.Owner);
        return byOwner != 0 ? byOwner : x.Id.CompareTo(y.Id);
    });

    public static bool TryTransfer(Account from, Account to, decimal amount)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(amount);
        if (from == to)
        {
            throw new ArgumentException($"{from.Owner} cannot transfer money to the same account.", nameof(to));
        }

        var (first, second) = s_lockOrder.Compare(from, to) < 0 ? (from, to) : (to, from);
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
        var ordered = accounts.Order(s_lockOrder).ToArray();
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
