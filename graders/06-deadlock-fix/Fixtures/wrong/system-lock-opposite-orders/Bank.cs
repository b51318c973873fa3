namespace Katas.DeadlockFix;

// Known wrong: the modern lock type (System.Threading.Lock on every account, see Account.patch), but the
// transfer still takes `from` first, then `to`: Alice→Bob and Bob→Alice at once take the same two locks
// in opposite orders and deadlock. Hard for the grader: Coyote cannot see inside the runtime's Lock, and on
// real threads this failed a grader only by a time-out that named nobody (or not at all: threads started one
// after the other never met). The controlled twin of Lock lets Coyote find it and name both threads.
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

        lock (from.Gate)
        {
            lock (to.Gate)
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
        var ordered = accounts.OrderBy(account => account.Id).ToArray();
        foreach (var account in ordered)
        {
            account.Gate.Enter();
        }

        try
        {
            return ordered.Sum(account => account.Balance);
        }
        finally
        {
            foreach (var account in ordered.Reverse())
            {
                account.Gate.Exit();
            }
        }
    }
}
