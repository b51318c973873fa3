namespace Katas.DeadlockFix;

// Known wrong: a ReaderWriterLockSlim per account (see Account.patch), "write locks for transfers, read locks for
// audits, so that audits run side by side". The audit is right (read locks, lower Id first), but a transfer takes the
// write locks in the order (from, to): Alice→Bob and Bob→Alice at once deadlock. Coyote cannot see inside
// ReaderWriterLockSlim, so the grader runs this on real threads, where the deadlock is a run that never ends: the
// message must still name the threads and the calls they were stuck in.
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

        from.Gate.EnterWriteLock();
        try
        {
            to.Gate.EnterWriteLock();
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
                to.Gate.ExitWriteLock();
            }
        }
        finally
        {
            from.Gate.ExitWriteLock();
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
                account.Gate.EnterReadLock();
                locked++;
            }

            return ordered.Sum(account => account.Balance);
        }
        finally
        {
            for (var i = locked - 1; i >= 0; i--)
            {
                ordered[i].Gate.ExitReadLock();
            }
        }
    }
}
