using Katas.DeadlockFix;

namespace Katas.Graders.DeadlockFix;

/// <summary>
/// One grader thread of a scenario and how far it got: the call into the bank it is inside right now.
/// After a deadlock, the threads still inside a call are the stuck ones, so the message names what
/// really happened in the failing schedule instead of guessing.
/// </summary>
internal sealed class Teller(string who)
{
    private string? _insideOf;

    /// <summary>Who this thread is, in the student's terms: "the thread transferring Alice #1→Bob #2".</summary>
    public string Who { get; } = who;

    /// <summary>The call this thread entered and never left ("Bank.TryTransfer(Alice, Bob, 10)"), if any.</summary>
    public string? StuckIn => _insideOf;

    /// <summary>What this thread waits for in the grader's own code (a barrier), if anything: it is not stuck in the bank.</summary>
    public string? WaitingFor { get; set; }

    /// <summary>The transfers of this thread that returned true, in order (read after the join).</summary>
    public List<(Account From, Account To)> Moved { get; } = [];

    /// <summary>Makes one call into the bank, recording that the thread is inside it until it returns.</summary>
    public T Call<T>(string call, Func<T> action)
    {
        // No finally: a call that never returns (a deadlock Coyote ended) must stay recorded as entered.
        _insideOf = call;
        var result = action();
        _insideOf = null;
        return result;
    }

    /// <summary>Bank.TryTransfer as <see cref="Call{T}"/> makes it, without a closure (fewer scheduling steps under Coyote).</summary>
    public bool Transfer(string call, Account from, Account to, decimal amount)
    {
        _insideOf = call;
        var moved = Bank.TryTransfer(from, to, amount);
        _insideOf = null;
        return moved;
    }

    /// <summary>
    /// Makes a call that must throw an ArgumentException (a refused transfer): returns what it threw, or null if it returned.
    /// Only that exception leaves the call recorded as left; anything else (Coyote ending a deadlocked schedule) does not.
    /// </summary>
    public ArgumentException? CallExpectingRefusal(string call, Action action)
    {
        _insideOf = call;
        try
        {
            action();
            _insideOf = null;
            return null;
        }
        catch (ArgumentException refused)
        {
            _insideOf = null;
            return refused;
        }
    }
}
