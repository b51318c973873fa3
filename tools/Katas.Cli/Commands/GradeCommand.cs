using System.CommandLine;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Katas.Cli;

/// <summary>`katas grade &lt;submissions&gt;`: the teacher's batch grading, from the submissions folder to every report.</summary>
public static class GradeCommand
{
    public static Command Create()
    {
        var submissions = CliSymbols.ExistingFolder("submissions", "a folder with one subfolder per student: a clone of their repository, or just its exercises/");
        var output = new Option<string>("--out")
        {
            Description = "where the reports go: gradebook.csv, gradebook.json, grades.json, feedback/<student>.md, gradescope/, junit/. "
                          + "A folder graded before is updated: the (student, kata) cells graded now replace theirs, the others stay",
            HelpName = "folder",
            DefaultValueFactory = _ => "grades",
        };
        var workers = CliSymbols.AtLeast("--workers", 1, () => Math.Clamp(Environment.ProcessorCount, 1, 4), "kata runs at once (default: one per core, at most 4)");
        var katas = CliSymbols.Katas();
        var students = new Option<string[]>("--students")
        {
            Description = "only these students (folder names, comma-separated): regrade one or two into an existing --out",
            HelpName = "name,name,...",
            CustomParser = result => [.. result.Tokens.SelectMany(token => token.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))],
        };
        var work = new Option<string?>("--work")
        {
            Description = "where the private grading workspaces live (default: under the system's temp folder; kept between runs so that builds are incremental)",
            HelpName = "folder",
        };
        var shard = new Option<Shard>("--shard")
        {
            Description = "grade only the K-th of N parts of the class (students dealt round-robin in name order), for N machines; `katas merge` makes one set of reports of their --out folders",
            HelpName = "K/N",
            DefaultValueFactory = _ => Shard.All,
            CustomParser = result => CliSymbols.Parsed(result, () => Shard.Parse(result.Tokens.Single().Value)) ?? Shard.All,
        };

        var deadline = new Option<DateTimeOffset?>("--deadline")
        {
            Description = "grade each git clone as of its last commit at or before this time (ISO 8601, e.g. 2026-12-01T23:59+03:00; "
                          + "without an offset, this machine's time zone); the student's checkout is not touched, and a later commit marks the row late",
            HelpName = "time",
            CustomParser = result =>
            {
                var text = result.Tokens.Single().Value;
                if (DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeLocal, out var time))
                {
                    return time;
                }

                result.AddError($"--deadline takes a date and time like 2026-12-01T23:59+03:00, not '{text}'.");
                return null;
            },
        };

        var sandbox = CliSymbols.Sandbox();
        var command = new Command("grade", "grades every subfolder of <submissions> in private workspaces and writes the class's reports")
        {
            submissions, output, workers, katas, students, work, shard, deadline, sandbox,
        };
        command.SetAction(parse => Run(
            parse.GetRequiredValue(submissions).FullName, Path.GetFullPath(parse.GetRequiredValue(output)), parse.GetValue(workers),
            parse.GetValue(katas), parse.GetValue(students), parse.GetValue(work), parse.GetRequiredValue(shard), parse.GetValue(deadline),
            parse.GetValue(sandbox)));
        return command;
    }

    private static int Run(string folder, string output, int workers, IReadOnlyList<string>? onlyKatas, string[]? onlyStudents, string? workFolder, Shard shard, DateTimeOffset? deadline,
        SandboxMode sandboxMode)
    {
        var sandbox = CliSymbols.OpenSandbox(sandboxMode);
        var teacher = KataRepository.OfThisProgram();
        var points = PointsConfig.Load(teacher);
        var katas = onlyKatas ?? teacher.Katas;

        var work = Path.GetFullPath(workFolder ?? DefaultWorkFolder(teacher));
        if (IsInside(work, teacher.Root) || IsInside(work, folder))
        {
            // Submitted code that walks up from where it runs would find the teacher's repository or the other submissions.
            throw new UsageException("--work must be outside the repository and the submissions folder.");
        }

        var everyone = Directory.GetDirectories(folder).Select(dir => new Submission(dir)).ToList();
        if (everyone.Count == 0)
        {
            throw new UsageException($"{folder} has no subfolders: put one folder per student there.");
        }

        if (onlyStudents is { Length: > 0 })
        {
            var unknown = onlyStudents.Where(name => everyone.All(submission => submission.Student != name)).ToList();
            if (unknown.Count > 0)
            {
                throw new UsageException($"No submission folder named {string.Join(", ", unknown)} in {folder}.");
            }

            everyone = [.. everyone.Where(submission => onlyStudents.Contains(submission.Student))];
        }

        // A git clone is graded at a commit (the last before --deadline, or HEAD), recorded in every report.
        var scratch = Path.Combine(work, "deadline-copies");
        var sources = new Dictionary<string, SubmissionSource>(StringComparer.Ordinal);
        var submissions = shard.Of(everyone, submission => submission.Student).Select(submission =>
        {
            var (graded, source) = Provenance.Resolve(submission, deadline, scratch);
            if (source is not null)
            {
                sources[submission.Student] = source;
            }

            return graded;
        }).ToList();
        if (deadline is { } due)
        {
            Console.WriteLine($"Deadline {due:yyyy-MM-dd HH:mm zzz}: {sources.Count} git clones graded at their last commit before it, {sources.Values.Count(source => source.Late)} with later commits (late).");
        }

        if (shard != Shard.All)
        {
            Console.WriteLine($"Shard {shard}: {submissions.Count} of {everyone.Count} submissions.");
        }

        Console.WriteLine($"Grading {submissions.Count} submissions x {katas.Count} katas with {workers} workers (workspaces in {work}).");
        var clock = Stopwatch.StartNew();
        using var bar = new ProgressBar(Console.Out, Console.IsOutputRedirected);
        var grades = new BatchGrader(teacher, points, work, sandbox).Grade(submissions, katas, workers, bar.Show, bar.Show)
            .Select(grade => grade with { Source = sources.GetValueOrDefault(grade.Student) }).ToList();
        bar.Finish();

        // Grading into a folder graded before updates it (a regrade of one student, or of one kata, keeps the rest).
        var (merged, mergedKatas, kept) = Regrade.Into(output, grades, katas, points);
        if (kept > 0)
        {
            Console.WriteLine($"{output} held earlier grades: {kept} (student, kata) cells not graded now were kept.");
        }

        BatchReports.Write(output, merged, mergedKatas);
        GradesFile.Write(output, merged, mergedKatas);
        Console.WriteLine(BatchReports.Summary(merged, mergedKatas, clock.Elapsed, output));
        return 0;
    }

    private static string DefaultWorkFolder(KataRepository teacher)
    {
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(teacher.Root)))[..12];
        return Path.Combine(Path.GetTempPath(), $"katas-grading-{key}");
    }

    private static bool IsInside(string path, string folder)
    {
        var relative = Path.GetRelativePath(folder, path);
        return relative == "." || (!relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative));
    }
}
