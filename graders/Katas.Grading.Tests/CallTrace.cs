namespace Katas.Grading.Tests;

/// <summary>What each call of a script returned or threw, in order.</summary>
internal sealed class CallTrace
{
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
            Steps.Add($"{call} -> {e.GetType().Name}");
        }
    }
}
