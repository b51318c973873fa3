namespace Katas.Graders.MultiThreadLoader;

/// <summary>
/// An exception that escapes a thread's method ends the whole process in .NET: here, the grader's test process, in
/// the middle of a test. Nothing can stop that; this says what happened before the process goes, so that the
/// student reads the cause, not only "test host process crashed".
/// </summary>
[SetUpFixture]
public sealed class UnhandledExceptionExplainer
{
    [OneTimeSetUp]
    public void Listen() => AppDomain.CurrentDomain.UnhandledException += Explain;

    [OneTimeTearDown]
    public void StopListening() => AppDomain.CurrentDomain.UnhandledException -= Explain;

    private static void Explain(object sender, UnhandledExceptionEventArgs e)
    {
        var error = e.ExceptionObject as Exception;
        var text =
            "\n==================== 03-multithread-loader ====================\n" +
            $"An exception escaped from a thread of your code, and that ended the whole test process:\n" +
            $"  {error?.GetType().Name}: {error?.Message}\n" +
            "In .NET (unlike Python, where only that thread dies) an exception that leaves a thread's method terminates the " +
            "process. A loader's thread method must catch every exception, keep it in Error and report the failure; see " +
            "\"When a download fails\" in exercises/03-multithread-loader/README.md.\n" +
            $"Where it was thrown:\n{error?.StackTrace}\n" +
            "===============================================================\n";
        // The process's own standard error: Console.Error is captured into the test's output, which is never reported.
        using var stderr = new StreamWriter(Console.OpenStandardError());
        stderr.Write(text);
    }
}
