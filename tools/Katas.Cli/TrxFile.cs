using System.Xml;
using System.Xml.Linq;

namespace Katas.Cli;

/// <param name="Name">The grader test's name, e.g. "Operations_on_two_threads_never_race".</param>
/// <param name="Outcome">VSTest's outcome: Passed, Failed, NotExecuted (NUnit's Inconclusive and Ignored), ...</param>
/// <param name="Message">The failure (or inconclusive) message the grader wrote for the student.</param>
/// <param name="Output">What the test printed, capped.</param>
/// <param name="Assembly">The path of the grader assembly that ran it (tells which kata it belongs to, and its checks' weights).</param>
public sealed record GraderTestResult(string Name, string Outcome, string Message, string Output, string Assembly)
{
    public bool Passed => Outcome == "Passed";

    /// <summary>
    /// Neither passed nor failed: a speed check that found the machine too busy to judge reports Inconclusive (with its
    /// reason), by design never a failure, and never proof of a bug either. A test that did not run and says nothing
    /// (an [Ignore] without a reason) was not judged at all and counts as failed.
    /// </summary>
    public bool NotJudged => Outcome == "NotExecuted" && Message.Trim().Length > 0;

    public bool Failed => !Passed && !NotJudged;

    /// <summary>How long the check ran (VSTest's duration), zero when not recorded.</summary>
    public TimeSpan Duration { get; init; }
}

/// <summary>Reads the test results VSTest writes with `--logger trx`.</summary>
public static partial class TrxFile
{
    // NUnit writes an exception that is not an assertion as "Type : message"; the grader's own exception types say
    // nothing to a student ("Katas.Grading.InvariantViolationException : "), the student's own ones (System....) do.
    [System.Text.RegularExpressions.GeneratedRegex(@"^Katas\.[\w.]+ : ", System.Text.RegularExpressions.RegexOptions.Multiline)]
    private static partial System.Text.RegularExpressions.Regex GraderExceptionType();

    /// <summary>A grader's message as the student should read it: without the grader's own exception type names.</summary>
    public static string ForStudents(string message) => GraderExceptionType().Replace(message, "");

    private static readonly XNamespace s_ns = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";

    // What a test printed can be megabytes (a submission that prints in a loop); messages are the grader's own.
    private const int OutputLength = 64 * 1024;
    private const int MessageLength = 64 * 1024;

    public static IReadOnlyList<GraderTestResult> Read(string path)
    {
        using var reader = XmlReader.Create(path, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
        var trx = XDocument.Load(reader);
        // TestMethod's codeBase keeps the path's case (storage is lower-cased): the assembly is read for its checks' weights.
        var assemblies = trx.Descendants(s_ns + "UnitTest").ToDictionary(
            test => (string?)test.Attribute("id") ?? "",
            test => (string?)test.Element(s_ns + "TestMethod")?.Attribute("codeBase") ?? (string?)test.Attribute("storage") ?? "");
        return [.. trx.Descendants(s_ns + "UnitTestResult").Select(result => new GraderTestResult(
            Name: (string?)result.Attribute("testName") ?? "",
            Outcome: (string?)result.Attribute("outcome") ?? "",
            Message: CappedText.Truncate(ForStudents(result.Descendants(s_ns + "Message").FirstOrDefault()?.Value ?? ""), MessageLength),
            Output: CappedText.Truncate(result.Descendants(s_ns + "StdOut").FirstOrDefault()?.Value ?? "", OutputLength),
            Assembly: assemblies.GetValueOrDefault((string?)result.Attribute("testId") ?? "", ""))
        {
            Duration = TimeSpan.TryParse((string?)result.Attribute("duration"), System.Globalization.CultureInfo.InvariantCulture, out var duration) ? duration : TimeSpan.Zero,
        })];
    }
}
