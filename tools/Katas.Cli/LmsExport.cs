using System.Text;

namespace Katas.Cli;

/// <summary>The learning-management systems whose grade import `katas export` writes.</summary>
public enum Lms
{
    /// <summary>Canvas: Grades > Import, a CSV laid out like Canvas's own gradebook export.</summary>
    Canvas,

    /// <summary>Moodle: Grades > Import > CSV file, identity mapped by ID number or email address.</summary>
    Moodle,
}

/// <summary>One student of the roster: the folder that holds their submission, and who they are in the LMS.</summary>
public sealed record RosterEntry(string Folder, string Id, string Email, string Name, string Section);

/// <summary>
/// roster.csv, the teacher's map from submission folders to students: a header line, then one line per student with the
/// columns folder, id, email, name and (optional) section, in any order.
/// </summary>
public static class Roster
{
    public static IReadOnlyList<RosterEntry> Read(string path)
    {
        var lines = CsvText.Parse(File.ReadAllText(path)).Where(row => row.Any(cell => cell.Length > 0)).ToList();
        if (lines.Count == 0)
        {
            throw new UsageException($"{path} is empty: it needs a header (folder,id,email,name,section) and a line per student.");
        }

        var header = lines[0].Select(cell => cell.Trim().ToLowerInvariant()).ToList();
        int Column(string name, bool required = true) => header.IndexOf(name) is var index && (index >= 0 || !required)
            ? index
            : throw new UsageException($"{path} has no '{name}' column: its header must name folder, id, email, name (and section, if you use them).");
        var (folder, id, email, name, section) = (Column("folder"), Column("id"), Column("email"), Column("name"), Column("section", required: false));
        string Cell(IReadOnlyList<string> row, int index) => index >= 0 && index < row.Count ? row[index].Trim() : "";
        var entries = lines.Skip(1).Select(row => new RosterEntry(Cell(row, folder), Cell(row, id), Cell(row, email), Cell(row, name), Cell(row, section))).ToList();
        if (entries.GroupBy(entry => entry.Folder).FirstOrDefault(group => group.Count() > 1) is { } twice)
        {
            throw new UsageException($"{path} lists the folder '{twice.Key}' more than once.");
        }

        return entries;
    }
}

/// <summary>
/// The class's totals as the CSV an LMS imports (one assignment column with each student's total), for the students of
/// the roster. Layouts follow each system's own documentation and exports:
/// Canvas (Grades > Import; the columns of Grades > Export): Student, ID, SIS User ID, SIS Login ID, Section, then one
/// column per assignment; a "Points Possible" row under the header.
/// Moodle (Grades > Import > CSV file; the columns of its plain-text export): First name, Last name, ID number, Email
/// address, then the grade item and its feedback; on import the teacher maps "ID number" or "Email address" to the user
/// and the two last columns to the grade item and its feedback.
/// </summary>
public static class LmsExport
{
    public static string FileName(Lms lms) => lms == Lms.Canvas ? "canvas.csv" : "moodle.csv";

    /// <returns>The CSV, and the gradebook's students who are not in the roster (left out: the teacher must look).</returns>
    public static (string Csv, IReadOnlyList<string> NotInRoster) For(Lms lms, IReadOnlyList<SubmissionGrade> grades, IReadOnlyList<RosterEntry> roster, string assignment)
    {
        var byFolder = roster.ToDictionary(entry => entry.Folder, StringComparer.Ordinal);
        var notInRoster = grades.Where(grade => !byFolder.ContainsKey(grade.Student)).Select(grade => grade.Student).ToList();
        var rows = grades.Where(grade => byFolder.ContainsKey(grade.Student)).Select(grade => (Grade: grade, Who: byFolder[grade.Student])).ToList();
        var max = grades.Count == 0 ? 0 : grades.Max(grade => grade.MaxScore);
        var csv = new StringBuilder();
        if (lms == Lms.Canvas)
        {
            Line(csv, "Student", "ID", "SIS User ID", "SIS Login ID", "Section", assignment);
            Line(csv, "Points Possible", "", "", "", "", Feedback.Number(max));
            foreach (var (grade, who) in rows)
            {
                Line(csv, who.Name, "", who.Id, who.Email, who.Section, Feedback.Number(grade.Score));
            }
        }
        else
        {
            Line(csv, "First name", "Last name", "ID number", "Email address", assignment, $"{assignment} (feedback)");
            foreach (var (grade, who) in rows)
            {
                var (first, last) = Split(who.Name);
                Line(csv, first, last, who.Id, who.Email, Feedback.Number(grade.Score), Summary(grade));
            }
        }

        return (csv.ToString(), notInRoster);
    }

    /// <summary>One line of feedback per student: the points per kata, and the flags.</summary>
    private static string Summary(SubmissionGrade grade)
    {
        var katas = string.Join(", ", grade.Katas.Select(kata => $"{kata.Kata[..2]} {Feedback.Number(kata.Score)}/{kata.MaxScore}"));
        var flags = Gradebook.Flags(grade);
        return flags.Length == 0 ? katas : $"{katas} ({flags})";
    }

    /// <summary>"Ivanova, Anna" or "Anna Ivanova" into first and last name.</summary>
    private static (string First, string Last) Split(string name)
    {
        var comma = name.IndexOf(',', StringComparison.Ordinal);
        if (comma >= 0)
        {
            return (name[(comma + 1)..].Trim(), name[..comma].Trim());
        }

        var space = name.LastIndexOf(' ');
        return space < 0 ? (name, "") : (name[..space].Trim(), name[(space + 1)..].Trim());
    }

    private static void Line(StringBuilder csv, params string[] cells) => csv.Append(string.Join(',', cells.Select(CsvText.Quoted))).Append("\r\n");
}

/// <summary>RFC 4180 CSV, as spreadsheets and both LMSs read it.</summary>
public static class CsvText
{
    public static string Quoted(string text) =>
        text.IndexOfAny([',', '"', '\n', '\r']) < 0 ? text : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static IReadOnlyList<IReadOnlyList<string>> Parse(string text)
    {
        var rows = new List<IReadOnlyList<string>>();
        var row = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(cell.ToString());
                cell.Clear();
            }
            else if (c == '\n')
            {
                row.Add(cell.ToString().TrimEnd('\r'));
                cell.Clear();
                rows.Add(row);
                row = [];
            }
            else
            {
                cell.Append(c);
            }
        }

        if (cell.Length > 0 || row.Count > 0)
        {
            row.Add(cell.ToString().TrimEnd('\r'));
            rows.Add(row);
        }

        return rows;
    }
}
