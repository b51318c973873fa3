using System.Text.RegularExpressions;
using Katas.Cli;

namespace Katas.Grading.Tests;

/// <summary>
/// grades/report.html (tools/Katas.Cli/ClassReport.cs) opened in a real browser, Debian's headless Chromium (.ci/run
/// installs it): the page renders from disk, its script draws the chart from the page's own data, nothing is logged to
/// the console, and what students wrote is shown as text, never run. A screenshot is attached to the test's results.
/// </summary>
public sealed partial class ClassReportTests
{
    private const string Counter = "04-locked-counter";
    private const string Deadlock = "06-deadlock-fix";
    private const string DeadlockCheck = "Transfers_in_both_directions_never_deadlock";
    private const string Injected = "<script>console.error('injected')</script>";

    [GeneratedRegex("<rect [^>]*data-kata=\"(?<kata>[^\"]+)\"[^>]*data-band=\"(?<band>[^\"]+)\"[^>]*data-count=\"(?<count>\\d+)\"")]
    private static partial Regex Bar();

    [Test]
    public void The_report_shows_the_class_and_draws_its_chart_in_a_browser()
    {
        var folder = Directory.CreateTempSubdirectory("katas-report-").FullName;
        try
        {
            var grades = Class();
            ClassReport.Write(folder, grades, [Counter, Deadlock]);
            var page = Path.Combine(folder, ClassReport.FileName);
            var html = File.ReadAllText(page);

            // Self-contained: nothing is fetched (the SVG namespace is a name, not an address).
            html.Should().NotContainAny("src=", "href=", "@import", "url(");
            Regex.Matches(html, "https?://[^'\"\\s]+").Select(match => match.Value).Should().OnlyContain(url => url == "http://www.w3.org/2000/svg");
            html.Should().NotContain(Injected, "a student's text is encoded, never markup")
                .And.Contain("&lt;script&gt;console.error(&#39;injected&#39;)&lt;/script&gt;");

            var (dom, console) = Chromium(page, folder);

            dom.Should().Contain("data-chart=\"drawn\"", "the page's script ran to its end");
            var bars = Bar().Matches(dom).Select(match => (Kata: match.Groups["kata"].Value, Band: System.Net.WebUtility.HtmlDecode(match.Groups["band"].Value), Count: int.Parse(match.Groups["count"].Value))).ToList();
            bars.Should().HaveCount(2 * ClassReport.Bins.Length, "one bar per kata and band");
            bars.Should().Contain((Counter, "100%", 2), "alice and bob have every point of 04")
                .And.Contain((Counter, "0", 2), "carol (tampered) and dave (not started) have none")
                .And.Contain((Deadlock, "< 50%", 2), "alice and carol have 4 of 10");
            console.Should().BeEmpty("the page logs nothing and throws nothing in the browser");

            Table(dom, "failed-checks").Should().Contain($"<td>{DeadlockCheck}</td><td class=\"score\">2</td>", "two students fail the deadlock check");
            Table(dom, "identical").Should().Contain("<td>alice, bob</td>", "alice and bob handed in byte-identical 04s");
            Table(dom, "flagged").Should().ContainAll("<td>bob</td><td>06-deadlock-fix</td><td>timed out</td>", "<td>carol</td><td>04-locked-counter</td><td>tampered</td>",
                "<td>dave</td><td>04-locked-counter</td><td>not started</td>", "<td>dave</td><td>06-deadlock-fix</td><td>does not compile</td>");
            Table(dom, "gradebook").Should().Contain("06 timed out", "a student's flags are in the gradebook, as in gradebook.csv");
            Gradebook.Csv(grades, [Counter, Deadlock]).Split('\n')[2].Should().Be("bob,10,0,10,20,06 timed out,,,", "no commit recorded: not a git clone");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Four students: identical 04s, a shared failing check, and each kind of run a teacher should look at.</summary>
    private static IReadOnlyList<SubmissionGrade> Class()
    {
        var deadlocked = new GraderTestResult(DeadlockCheck, "Failed", $"Two transfers deadlocked. {Injected}", "", "DeadlockFix.Grader.dll");
        KataVerdict Passed() => new(Counter, KataState.Passed, 10, 10, "passed", [], "", TimeSpan.Zero, TimeSpan.Zero) { Fingerprint = "same" };
        KataVerdict Failing(string fingerprint) =>
            new(Deadlock, KataState.Failed, 4, 10, "1 of 8 checks failed", [deadlocked], "", TimeSpan.Zero, TimeSpan.Zero) { Fingerprint = fingerprint };
        return
        [
            new("alice", [Passed(), Failing("alice-06")], []),
            new("bob", [Passed(), KataVerdict.Without(Deadlock, KataState.TimedOut, 10, "timed out") with { Fingerprint = "bob-06" }], []),
            new("carol", [KataVerdict.Without(Counter, KataState.Tampered, 10, "does not count") with { Fingerprint = "carol-04" }, Failing("carol-06")], []),
            new("dave", [KataVerdict.NotStarted(Counter, 10), KataVerdict.Without(Deadlock, KataState.DoesNotCompile, 10, "does not compile (1 error)")], []),
        ];
    }

    private static string Table(string dom, string id)
    {
        var start = dom.IndexOf($"<table id=\"{id}\"", StringComparison.Ordinal);
        start.Should().BeGreaterThanOrEqualTo(0, "the report has a table {0}", id);
        return dom[start..dom.IndexOf("</table>", start, StringComparison.Ordinal)];
    }

    /// <summary>The page's DOM after its scripts ran, and what it logged to the console; a screenshot goes to the results.</summary>
    private static (string Dom, IReadOnlyList<string> Console) Chromium(string page, string folder)
    {
        var chromium = new[] { Environment.GetEnvironmentVariable("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }
            .FirstOrDefault(path => path is { Length: > 0 } && File.Exists(path));
        chromium.Should().NotBeNull("this test opens the report in a browser: install Debian's chromium (apt-get install chromium), as .ci/run does, or set CHROMIUM");

        // The flags a locked-down machine needs: no sandbox as root, no GPU, no background connections to Google.
        string[] flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--enable-logging=stderr", "--v=0"];
        var url = new Uri(page).AbsoluteUri;
        var dump = DotnetCommand.Run(chromium!, [.. flags, $"--user-data-dir={Path.Combine(folder, "profile-dom")}", "--dump-dom", url], folder, TimeSpan.FromMinutes(1));
        dump.ExitCode.Should().Be(0, "chromium must render the page: {0}", dump.Output);

        var screenshot = Path.Combine(TestContext.CurrentContext.WorkDirectory, "class-report.png");
        var shot = DotnetCommand.Run(chromium!, [.. flags, $"--user-data-dir={Path.Combine(folder, "profile-shot")}", "--window-size=1200,1400",
            $"--screenshot={screenshot}", url], folder, TimeSpan.FromMinutes(1));
        shot.ExitCode.Should().Be(0, "chromium must take a screenshot: {0}", shot.Output);
        new FileInfo(screenshot).Length.Should().BeGreaterThan(10_000, "the screenshot shows a page");
        TestContext.AddTestAttachment(screenshot, "report.html in headless Chromium");

        var console = dump.Output.Split('\n').Where(line => line.Contains(":CONSOLE", StringComparison.Ordinal)).ToList();
        return (dump.Output, console);
    }
}
