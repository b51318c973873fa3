using System.Globalization;
using System.Xml.Linq;

namespace Katas.Cli;

/// <summary>One kata's run as JUnit XML (what most CI systems and LMS plug-ins display), outputs capped.</summary>
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
            new XAttribute("skipped", kata.Checks.Count(check => check.NotJudged)),
            new XAttribute("time", Seconds(kata.BuildTime + kata.TestTime)));

        if (kata.Checks.Count == 0)
        {
            suite.Add(new XElement("testcase", new XAttribute("classname", kata.Kata), new XAttribute("name", "builds and runs"),
                kata.State == KataState.Passed ? null : new XElement("error", new XAttribute("message", kata.Summary), Clean(kata.Details))));
        }

        foreach (var check in kata.Checks)
        {
            suite.Add(new XElement("testcase",
                new XAttribute("classname", kata.Kata),
                new XAttribute("name", check.Name),
                check.Failed ? new XElement("failure", new XAttribute("message", FirstLine(check.Message)), Clean(check.Message)) : null,
                check.NotJudged ? new XElement("skipped", new XAttribute("message", FirstLine(check.Message))) : null,
                check.Output.Length > 0 ? new XElement("system-out", Clean(check.Output)) : null));
        }

        return new XDocument(new XElement("testsuites", suite));
    }

    private static string FirstLine(string text) => Clean(text.Split('\n')[0]);

    // XML 1.0 cannot hold most control characters, and a submission may print anything.
    private static string Clean(string text) =>
        new([.. CappedText.Truncate(text, TextLength).Where(c => c is '\n' or '\t' or '\r' || (!char.IsControl(c) && !char.IsSurrogate(c)))]);

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}
