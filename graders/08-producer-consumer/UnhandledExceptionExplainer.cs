namespace Katas.Graders.ProducerConsumer;

/// <summary>
/// An exception that escapes a thread's method ends the whole process in .NET: here, the grader's test process, in the
/// middle of a test (a consumer that does not catch what the work throws, a consumer running on after its queue was
/// disposed). Nothing can stop that; this says what happened before the process goes, so that the student reads the
/// cause, not only "test host process crashed".
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
            "\n==================== 08-producer-consumer ====================\n" +
            "An exception escaped from a thread of your code, and that ended the whole test process:\n" +
            $"  {error?.GetType().Name}: {error?.Message}\n" +
            "In .NET (unlike Python, where only that thread dies) an exception that leaves a thread's method terminates the " +
            "process. A consumer must catch what the work throws, keep it (a ConcurrentQueue<Exception>) and go on with the " +
            "next item; Complete throws them in an AggregateException. See \"C# you need\" in " +
            "exercises/08-producer-consumer/README.md.\n" +
            $"Where it was thrown:\n{error?.StackTrace}\n" +
            "==============================================================\n";
        // The process's own standard error: Console.Error is captured into the test's output, which is never reported.
        using var stderr = new StreamWriter(Console.OpenStandardError());
        stderr.Write(text);
    }
}
