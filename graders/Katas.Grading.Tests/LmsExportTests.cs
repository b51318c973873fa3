using Katas.Cli;

namespace Katas.Grading.Tests;

/// <summary>
/// `katas export --to canvas|moodle`: the CSV each LMS imports, in the column layout its documentation and its own
/// gradebook export give (tools/Katas.Cli/LmsExport.cs), for the students of the teacher's roster.
/// </summary>
public sealed class LmsExportTests
{
    private const string RosterCsv = """
        folder,name,id,email,section
        alice-gh,"Ivanova, Anna",S001,anna@uni.example,Group 1
        bob-gh,Борис Петров,S002,boris@uni.example,Group 2
        nobody-gh,Never Submitted,S003,never@uni.example,Group 2

        """;

    [Test]
    public void Canvas_gets_its_gradebook_columns_a_points_possible_row_and_a_total_per_student()
    {
        var (csv, left) = LmsExport.For(Lms.Canvas, Class(), RosterOfClass(), "Parallel Katas");

        Lines(csv).Should().Equal(
            "Student,ID,SIS User ID,SIS Login ID,Section,Parallel Katas",
            "Points Possible,,,,,20",
            "\"Ivanova, Anna\",,S001,anna@uni.example,Group 1,14",
            "Борис Петров,,S002,boris@uni.example,Group 2,10");
        left.Should().Equal(["carol-gh"], "carol is graded but not in the roster: she is left out and the teacher told");
    }

    [Test]
    public void Moodle_gets_names_identity_the_grade_item_and_its_feedback()
    {
        var (csv, _) = LmsExport.For(Lms.Moodle, Class(), RosterOfClass(), "Parallel Katas");

        Lines(csv).Should().Equal(
            "First name,Last name,ID number,Email address,Parallel Katas,Parallel Katas (feedback)",
            "Anna,Ivanova,S001,anna@uni.example,14,\"04 10/10, 06 4/10\"",
            "Борис,Петров,S002,boris@uni.example,10,\"04 10/10, 06 0/10 (late; 06 timed out)\"");
    }

    [Test]
    public void Export_writes_the_file_next_to_the_grades_and_a_roster_without_its_columns_is_refused()
    {
        var folder = Directory.CreateTempSubdirectory("katas-export-").FullName;
        try
        {
            GradesFile.Write(folder, Class(), ["04-locked-counter", "06-deadlock-fix"]);
            var roster = Path.Combine(folder, "roster.csv");
            File.WriteAllText(roster, RosterCsv);
            KatasCli.Run(["export", folder, "--roster", roster, "--to", "moodle"], TextWriter.Null, TextWriter.Null).Should().Be(0);
            File.ReadAllText(Path.Combine(folder, "moodle.csv")).Should().StartWith("First name,Last name,ID number,Email address,Parallel Katas,");

            var error = new StringWriter();
            KatasCli.Run(["export", folder, "--roster", roster, "--to", "blackboard"], TextWriter.Null, error).Should().Be(2);
            error.ToString().Should().Contain("blackboard");

            File.WriteAllText(roster, "folder,name\nalice-gh,Anna\n");
            error = new StringWriter();
            KatasCli.Run(["export", folder, "--roster", roster, "--to", "canvas"], TextWriter.Null, error).Should().Be(2);
            error.ToString().Should().Contain("has no 'id' column");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static IReadOnlyList<RosterEntry> RosterOfClass()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, RosterCsv);
            return Katas.Cli.Roster.Read(file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static IReadOnlyList<SubmissionGrade> Class()
    {
        KataVerdict Counter() => new("04-locked-counter", KataState.Passed, 10, 10, "passed", [], "", TimeSpan.Zero, TimeSpan.Zero);
        return
        [
            new("alice-gh", [Counter(), new("06-deadlock-fix", KataState.Failed, 4, 10, "failed", [], "", TimeSpan.Zero, TimeSpan.Zero)], []),
            new("bob-gh", [Counter(), KataVerdict.Without("06-deadlock-fix", KataState.TimedOut, 10, "timed out")], [])
            {
                Source = new SubmissionSource("abc", DateTimeOffset.UnixEpoch, Late: true, DateTimeOffset.UnixEpoch),
            },
            new("carol-gh", [Counter(), Counter() with { Kata = "06-deadlock-fix" }], []),
        ];
    }

    private static string[] Lines(string csv) => csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
}
