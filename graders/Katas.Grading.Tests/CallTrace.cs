namespace Katas.Grading.Tests;

/// <summary>What each call of a script returned or threw, in order.</summary>
/// <param name="describe">How a thrown exception is written down; by default its type's name.</param>
internal sealed class CallTrace(Func<Exception, string>? describe = null)
{
    private readonly Func<Exception, string> _describe = describe ?? (e => e.GetType().Name);

    public List<string> Steps { get; } = [];

    public void Do(string call, Action action) => Get(call, () =>
    {
        action();
        return "returned";
    });

    public void Get<T>(string call, Func<T> read)
    {
        try
        {
            Steps.Add($"{call} -> {read()}");
        }
        catch (Exception e)
        {
            Steps.Add($"{call} -> {_describe(e)}");
        }
    }

    /// <summary>
    /// Runs one script on the runtime's type and on its twin, each with a trace of its own, and requires the same steps:
    /// the twin returns and throws what the runtime's type does, call by call.
    /// </summary>
    public static void MustBeTheSame(string type, Action<CallTrace> onRuntime, Action<CallTrace> onTwin, Func<Exception, string>? describe = null)
    {
        var runtime = new CallTrace(describe);
        onRuntime(runtime);
        var twin = new CallTrace(describe);
        onTwin(twin);

        TestContext.Out.WriteLine($"{type}: {string.Join("; ", runtime.Steps)}");
        runtime.Steps.Should().NotBeEmpty();
        twin.Steps.Should().Equal(runtime.Steps, "the twin must return and throw what the runtime's {0} does, call by call", type);
    }
}
