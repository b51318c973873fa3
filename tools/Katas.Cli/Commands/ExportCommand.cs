using System.CommandLine;

namespace Katas.Cli;

/// <summary>`katas export &lt;grades&gt; --roster &lt;file&gt; --to canvas|moodle`: the class's totals as the LMS imports them.</summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var grades = CliSymbols.ExistingFolder("grades", "the --out folder of `katas grade` or `katas merge` (it holds grades.json)");
        var roster = new Option<FileInfo>("--roster")
        {
            Description = "a CSV with a header and one line per student: folder (the submission folder's name), id, email, name, section (optional)",
            HelpName = "file",
            Required = true,
        };
        roster.AcceptExistingOnly();
        var lms = new Option<Lms>("--to") { Description = "the LMS to import into: canvas or moodle", HelpName = "canvas|moodle", Required = true };
        var assignment = new Option<string>("--assignment")
        {
            Description = "the assignment (Canvas) or grade item (Moodle) column's name",
            HelpName = "name",
            DefaultValueFactory = _ => "Parallel Katas",
        };
        var command = new Command("export", "writes the class's totals as Canvas's or Moodle's grade-import CSV, for the students of a roster")
        {
            grades, roster, lms, assignment,
        };
        command.SetAction(parse => Run(parse.GetRequiredValue(grades).FullName, parse.GetRequiredValue(roster).FullName, parse.GetRequiredValue(lms), parse.GetRequiredValue(assignment)));
        return command;
    }

    private static int Run(string folder, string rosterFile, Lms lms, string assignment)
    {
        var contents = GradesFile.Read(folder);
        var (csv, notInRoster) = LmsExport.For(lms, contents.Grades, Roster.Read(rosterFile), assignment);
        var path = Path.Combine(folder, LmsExport.FileName(lms));
        File.WriteAllText(path, csv, new System.Text.UTF8Encoding(false));
        Console.WriteLine($"Wrote {path}: {contents.Grades.Count - notInRoster.Count} students.");
        if (notInRoster.Count > 0)
        {
            Console.Error.WriteLine($"Not in {rosterFile}, left out: {string.Join(", ", notInRoster)}. Add a line for each to the roster.");
        }

        return 0;
    }
}
