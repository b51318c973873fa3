using Katas.CpuBoundSpeedup;

namespace Katas.Graders.CpuBoundSpeedup;

/// <summary>
/// InProcesses and its children's failures: a child that exits with an error code is an error, not a result, and every
/// Process object is disposed, also when a child failed. Two of three children fail at once, each after printing what a
/// good child prints, so that only the exit code tells.
/// </summary>
public sealed class ChildFailureGrader
{
    private const int Copies = 3;
    private const int Failing = 2;
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan s_exitLimit = TimeSpan.FromSeconds(30);

    [Test, OnRealThreads]
    public void A_failing_child_makes_InProcesses_throw()
    {
        using var trace = new ChildTrace();
        long[]? returned = null;
        Exception? error;
        using (new FailingChildren(trace, Failing, Countdown.Count(1000).ToString(System.Globalization.CultureInfo.InvariantCulture)))
        {
            error = Bounded.Catch(s_limit, $"CountRunner.InProcesses(1000, {Copies}) with {Failing} children that fail",
                () => returned = CountRunner.InProcesses(1000, Copies));
        }

        Invariant.Holds(error is not null || trace.Children().Count > 0,
            $"InProcesses(1000, {Copies}) returned [{string.Join(", ", returned ?? [])}] without starting a child process: it " +
            $"counts in {Copies} children started with Program.DotnetHost. Read next: {ResultsGrader.ReadNext}");
        Invariant.Holds(error is not null,
            $"InProcesses(1000, {Copies}) returned [{string.Join(", ", returned ?? [])}], although {Failing} of its {Copies} child " +
            $"processes failed: each printed a number and then exited with code {FailingChildren.ExitCode}. A number from a child " +
            "that failed means nothing. After WaitForExit, check child.ExitCode == 0, and throw an exception that says which " +
            $"child failed and what it wrote to its standard error. Read next: {ResultsGrader.ReadNext}");
        TestContext.Out.WriteLine($"InProcesses threw {error!.GetType().Name}: {error.Message}");
    }

    [TestCase(false, TestName = "InProcesses_disposes_every_child_it_started")]
    [TestCase(true, TestName = "InProcesses_disposes_every_child_when_one_fails")]
    [OnRealThreads]
    public void InProcesses_disposes_every_child(bool withFailures)
    {
        if (!ChildWaitStates.Visible)
        {
            Assert.Inconclusive("Whether a Process was disposed can be seen only on Linux (in the runtime's table of child " +
                                "processes); this check was skipped here.");
        }

        using var trace = new ChildTrace();
        var failing = withFailures ? new FailingChildren(trace, Failing, Countdown.Count(1000).ToString(System.Globalization.CultureInfo.InvariantCulture)) : null;
        try
        {
            Bounded.Catch(s_limit, $"CountRunner.InProcesses(1000, {Copies})" + (withFailures ? $" with {Failing} children that fail" : ""),
                () => CountRunner.InProcesses(1000, Copies));
        }
        finally
        {
            failing?.Dispose();
        }

        var children = trace.WaitForChildren(Copies, s_exitLimit);
        Invariant.Holds(children.Count == Copies,
            $"InProcesses(1000, {Copies}) started {children.Count} child processes that got as far as Main: it starts one per " +
            $"copy. Read next: {ResultsGrader.ReadNext}");
        var held = ChildWaitStates.Undisposed(children, s_exitLimit);
        Invariant.Holds(held.Count == 0,
            $"InProcesses{(withFailures ? $", when {Failing} of its {Copies} children failed," : "")} left {held.Count} of its " +
            $"{Copies} Process objects undisposed (child process ids {string.Join(", ", held)}): the runtime still keeps each " +
            "child's exit status for them, after the children have exited and InProcesses has returned. Process is " +
            "IDisposable: dispose every child you started, in a `finally` (or with `using`) so that it happens also when " +
            $"one of them failed and your code threw. Read next: {ResultsGrader.ReadNext}");
    }
}
