using Katas.Cli;

namespace Katas.Grading.Tests;

/// <summary>
/// The `katas` command line says no: an unknown option, a bad value or a misspelt kata is an error with exit code 2 and
/// the command's usage (tools/Katas.Cli/Commands), and a kata has the same names in every command.
/// </summary>
public sealed class CliTests
{
    private static readonly string s_folder = Repository.Exercises;

    private static IEnumerable<TestCaseData> Mistakes() =>
        new (string[] Args, string Says)[]
        {
            (["grade", s_folder, "--wokers", "2"], "Unrecognized command or argument '--wokers'"),
            (["grade", s_folder, "--workers", "abc"], "--workers takes a whole number of at least 1, not 'abc'"),
            (["grade", s_folder, "--workers", "0"], "--workers takes a whole number of at least 1, not '0'"),
            (["grade", s_folder, "--katas", "04,99"], "No kata named '99'"),
            (["grade", s_folder, "--shard", "4/3"], "--shard takes K/N"),
            (["grade", s_folder, "--deadline", "tomorrow"], "--deadline takes a date and time like 2026-12-01T23:59+03:00, not 'tomorrow'"),
            (["grade", "/no/such/folder"], "No such folder: /no/such/folder"),
            (["grade", s_folder, "--sandbox", "docker"], "'docker'"),
            (["status", "--all"], "Unknown option '--all'"),
            (["hint"], "Required argument 'kata' missing for command: 'hint'"),
            (["hint", "04", "two"], "Cannot parse argument 'two'"),
            (["frobnicate"], "Unrecognized command or argument 'frobnicate'"),
        }.Select(mistake => new TestCaseData(mistake.Args, mistake.Says).SetArgDisplayNames(string.Join(' ', mistake.Args).Replace(s_folder, "<folder>")));

    [TestCaseSource(nameof(Mistakes))]
    public void A_mistake_is_an_error_with_the_usage(string[] args, string says)
    {
        var error = new StringWriter();
        KatasCli.Run(args, TextWriter.Null, error).Should().Be(2, "`katas {0}` is a mistake", string.Join(' ', args));
        error.ToString().Should().Contain(says).And.Contain("Usage:", "the command's usage follows the error");
    }

    [TestCase("04", "04-locked-counter")]
    [TestCase("04-locked-counter", "04-locked-counter")]
    [TestCase("locked-counter", "04-locked-counter")]
    [TestCase("13", "13-model-quality")]
    public void A_kata_has_the_same_names_in_every_command(string name, string kata)
    {
        var root = KatasCli.Root();
        root.Parse(["hint", name]).GetValue<string>("kata").Should().Be(kata);
        root.Parse(["status", name]).GetValue<string>("kata").Should().Be(kata);
        root.Parse(["classroom-step", name]).GetValue<string>("kata").Should().Be(kata);
        root.Parse(["grade", s_folder, "--katas", $"{name},06"]).GetValue<IReadOnlyList<string>>("--katas").Should().Equal(kata, "06-deadlock-fix");
        root.Parse(["gradescope-run", "--katas", name]).GetValue<IReadOnlyList<string>>("--katas").Should().Equal(kata);
    }

    [Test]
    public void Help_lists_every_command_and_each_command_its_options()
    {
        var output = new StringWriter();
        KatasCli.Run([], output, TextWriter.Null).Should().Be(0);
        output.ToString().Should().ContainAll("status", "hint", "grade", "merge", "generate", "template", "classroom-step", "gradescope", "gradescope-run");

        output = new StringWriter();
        KatasCli.Run(["grade", "--help"], output, TextWriter.Null).Should().Be(0);
        output.ToString().Should().ContainAll("--out", "--workers", "--katas", "--students", "--work", "--shard", "--deadline", "--sandbox");
    }

    [Test]
    public void MSBuild_and_the_katas_tool_take_the_same_folders_for_katas()
    {
        // graders/Directory.Build.props decides which projects belong to a kata; KataRepository which folders are katas.
        var props = File.ReadAllText(Path.Combine(Repository.Root, "graders", "Directory.Build.props"));
        props.Should().Contain($"IsMatch('$(_GradersFirstSegment)', '{KataRepository.KataNamePattern}')",
            "the kata-name rule of graders/Directory.Build.props is KataRepository.KataNamePattern");
    }

    [Test]
    [NonParallelizable]
    public void Test_of_an_untouched_kata_says_where_to_start_and_fails()
    {
        // The repository's own exercises/ are the untouched stubs: not started, nothing built, exit code 1.
        var printed = new StringWriter();
        var console = Console.Out;
        Console.SetOut(printed);
        try
        {
            KatasCli.Run(["test", "locked-counter"], TextWriter.Null, TextWriter.Null).Should().Be(1);
        }
        finally
        {
            Console.SetOut(console);
        }

        printed.ToString().Should().Contain("04-locked-counter | 0 / 10 | not started").And.Contain("exercises/04-locked-counter/README.md");
    }

    [Test]
    public void The_progress_bar_moves_with_each_check_and_keeps_a_line_per_run_in_a_log()
    {
        var terminal = new StringWriter();
        using (var bar = new ProgressBar(terminal, redirected: false))
        {
            bar.Show(new CheckProgress("alice", "04-locked-counter", "Operations_on_two_threads_never_race", Passed: true));
            terminal.ToString().Should().Contain("1 checks").And.Contain("alice 04 Operations_on_two_threads_never_race passed");
            bar.Show(new BatchProgress(1, 2, "alice", KataVerdict.NotStarted("06-deadlock-fix", 10)));
            terminal.ToString().Should().Contain("1/2 runs, 1 checks").And.Contain("alice 06-deadlock-fix: not started");
            bar.Finish();
        }

        var log = new StringWriter();
        using (var bar = new ProgressBar(log, redirected: true))
        {
            bar.Show(new CheckProgress("alice", "04-locked-counter", "Operations_on_two_threads_never_race", Passed: true));
            bar.Show(new BatchProgress(1, 2, "alice", KataVerdict.NotStarted("06-deadlock-fix", 10)));
            bar.Finish();
        }

        log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle("a log gets a line per finished run, nothing per check")
            .Which.Should().MatchRegex(@"^\[1/2\] \d\d:\d\d alice 06-deadlock-fix: not started");
    }
}
