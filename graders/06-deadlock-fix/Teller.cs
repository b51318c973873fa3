namespace Katas.Graders.DeadlockFix;

/// <summary>
/// One grader thread of a scenario and how far it got: the call into the bank it is inside right now.
/// After a deadlock, the threads still inside a call are the stuck ones, so the message names what
/// really happened in the failing schedule instead of guessing.
/// </summary>
internal sealed class Teller(string who)
{
    private string? _insideOf;

    /// <summary>Who this thread is, in the student's terms: "the thread transferring 10 from Alice to Bob".</summary>
    public string Who { get; } = who;

    /// <summary>The call this thread entered and never left ("Bank.TryTransfer(Alice, Bob, 10)"), if any.</summary>
    public string? StuckIn => _insideOf;

    /// <summary>Makes one call into the bank, recording that the thread is inside it until it returns.</summary>
    public T Call<T>(string call, Func<T> action)
    {
        // No finally: a call that never returns (a deadlock Coyote ended) must stay recorded as entered.
        _insideOf = call;
        var result = action();
        _insideOf = null;
        return result;
    }
}
