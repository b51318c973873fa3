using System.Globalization;
using System.Xml.Linq;

namespace Katas.Cli;

/// <summary>
/// One kata's run as JUnit XML (what most CI systems and LMS plug-ins display), outputs capped: every testcase has its
/// own time (the checks'; the build is the suite's "build" property), a failure has a type, and a check judged
/// inconclusive is a passed testcase with a note (a &lt;skipped&gt; would read as "not run", which it was not).
/// </summary>
public static class JUnitReport
{
    private const int TextLength = 8000;

    public static XDocument For(string student, KataVerdict kata)
    {
        var suite = new XElement("testsuite",
            new XAttribute("name", $"{student}/{kata.Kata}"),
            new XAttribute("tests", Math.Max(1, kata.Checks.Count)),
            new XAttribute("failures", kata.Checks.Count(check => check.Failed)),
            new XAttribute("errors", kata.Checks.Count == 0 && kata.State != KataState.Passed ? 1 : 0),
            new XAttribute("skipped", 0),
            new XAttribute("time", Seconds(kata.TestTime)),
            new XElement("properties",
                new XElement("property", new XAttribute("name", "build"), new XAttribute("value", Seconds(kata.BuildTime))),
                new XElement("property", new XAttribute("name", "state"), new XAttribute("value", kata.StateLabel)),
                new XElement("property", new XAttribute("name", "score"), new XAttribute("value", Feedback.Number(kata.Score))),
                new XElement("property", new XAttribute("name", "max-score"), new XAttribute("value", kata.MaxScore))));

        if (kata.Checks.Count == 0)
        {
            suite.Add(new XElement("testcase", new XAttribute("classname", kata.Kata), new XAttribute("name", "builds and runs"),
                new XAttribute("time", Seconds(kata.BuildTime + kata.TestTime)),
                kata.State == KataState.Passed ? null : new XElement("error", new XAttribute("message", kata.Summary),
                    new XAttribute("type", kata.StateLabel), Clean(kata.Details))));
        }

        foreach (var check in kata.Checks)
        {
            suite.Add(new XElement("testcase",
                new XAttribute("classname", kata.Kata),
                new XAttribute("name", check.Name),
                new XAttribute("time", Seconds(check.Duration)),
                check.Failed ? new XElement("failure", new XAttribute("message", FirstLine(check.Message)), new XAttribute("type", "check failed"), Clean(check.Message)) : null,
                SystemOut(check)));
        }

        return new XDocument(new XElement("testsuites", suite));
    }

    /// <summary>UTF-8 without a byte-order mark: some JUnit readers (and `xmllint` on a pipe) choke on one.</summary>
    public static void Save(XDocument report, string path)
    {
        using var writer = System.Xml.XmlWriter.Create(path, new System.Xml.XmlWriterSettings { Encoding = new System.Text.UTF8Encoding(false), Indent = true });
        report.Save(writer);
    }

    private static XElement? SystemOut(GraderTestResult check)
    {
        var text = check.NotJudged ? $"{Scoring.NotJudgedNote}{check.Message}\n{check.Output}".TrimEnd() : check.Output;
        return text.Length > 0 ? new XElement("system-out", Clean(text)) : null;
    }

    private static string FirstLine(string text) => Clean(text.Split('\n')[0]);

    // XML 1.0 cannot hold most control characters, and a submission may print anything.
    private static string Clean(string text) =>
        new([.. CappedText.Truncate(text, TextLength).Where(c => c is '\n' or '\t' or '\r' || (!char.IsControl(c) && !char.IsSurrogate(c)))]);

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}
