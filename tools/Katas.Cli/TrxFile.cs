using System.Xml;
using System.Xml.Linq;

namespace Katas.Cli;

/// <param name="Name">The grader test's name, e.g. "Operations_on_two_threads_never_race".</param>
/// <param name="Outcome">VSTest's outcome: Passed, Failed, NotExecuted (NUnit's Inconclusive and Ignored), ...</param>
/// <param name="Message">The failure (or inconclusive) message the grader wrote for the student.</param>
/// <param name="Output">What the test printed, capped.</param>
/// <param name="Assembly">The grader assembly that ran it (tells which kata it belongs to).</param>
public sealed record GraderTestResult(string Name, string Outcome, string Message, string Output, string Assembly)
{
    public bool Passed => Outcome == "Passed";

    /// <summary>
    /// Neither passed nor failed: a speed check that found the machine too busy to judge reports Inconclusive,
    /// by design never a failure, and never proof of a bug either.
    /// </summary>
    public bool NotJudged => Outcome == "NotExecuted";

    public bool Failed => !Passed && !NotJudged;
}

/// <summary>Reads the test results VSTest writes with `--logger trx`.</summary>
public static class TrxFile
{
    private static readonly XNamespace s_ns = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";

    // What a test printed can be megabytes (a submission that prints in a loop); messages are the grader's own.
    private const int OutputLength = 64 * 1024;
    private const int MessageLength = 64 * 1024;

    public static IReadOnlyList<GraderTestResult> Read(string path)
    {
        using var reader = XmlReader.Create(path, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
        var trx = XDocument.Load(reader);
        var assemblies = trx.Descendants(s_ns + "UnitTest").ToDictionary(
            test => (string?)test.Attribute("id") ?? "",
            test => (string?)test.Attribute("storage") ?? "");
        return [.. trx.Descendants(s_ns + "UnitTestResult").Select(result => new GraderTestResult(
            Name: (string?)result.Attribute("testName") ?? "",
            Outcome: (string?)result.Attribute("outcome") ?? "",
            Message: CappedText.Truncate(result.Descendants(s_ns + "Message").FirstOrDefault()?.Value ?? "", MessageLength),
            Output: CappedText.Truncate(result.Descendants(s_ns + "StdOut").FirstOrDefault()?.Value ?? "", OutputLength),
            Assembly: assemblies.GetValueOrDefault((string?)result.Attribute("testId") ?? "", "")))];
    }
}
