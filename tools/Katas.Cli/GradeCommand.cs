using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Katas.Cli;

/// <summary>`katas grade &lt;submissions&gt;`: the teacher's batch grading, from the submissions folder to every report.</summary>
public static class GradeCommand
{
    public const string Usage = """
        katas grade <submissions-folder> [--out <folder>] [--workers <n>] [--katas <kata,kata,...>] [--work <folder>] [--shard K/N]
          Grades every subfolder of <submissions-folder> (a clone of a student's repository, or just its exercises/).
          --out      where the reports go (default: ./grades): gradebook.csv, gradebook.json, feedback/<student>.md,
                     gradescope/<student>/results.json, junit/<student>/<kata>.xml
          --workers  kata runs at once (default: one per core, at most 4)
          --katas    grade only these katas (default: all)
          --work     where the private grading workspaces live (default: a folder under the system's temp folder;
                     kept between runs so that builds are incremental)
          --shard    grade only the K-th of N parts of the class (students dealt round-robin in name order), for N
                     machines; `katas merge` makes one set of reports of their --out folders (each has grades.json)
        """;

    public static int Run(CommandLine line)
    {
        var teacher = KataRepository.OfThisProgram();
        var points = PointsConfig.Load(teacher);
        var folder = Path.GetFullPath(line.Positional(0, "the submissions folder"));
        if (!Directory.Exists(folder))
        {
            throw new UsageException($"No such folder: {folder}");
        }

        var output = Path.GetFullPath(line.Option("out") ?? "grades");
        var workers = int.TryParse(line.Option("workers"), out var n) && n > 0 ? n : Math.Clamp(Environment.ProcessorCount, 1, 4);
        var katas = teacher.ResolveAll(line.Option("katas"));

        var work = Path.GetFullPath(line.Option("work") ?? DefaultWorkFolder(teacher));
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

        var shard = line.Option("shard") is { } part ? Shard.Parse(part) : Shard.All;
        var submissions = shard.Of(everyone, submission => submission.Student);
        if (shard != Shard.All)
        {
            Console.WriteLine($"Shard {shard}: {submissions.Count} of {everyone.Count} submissions.");
        }

        Console.WriteLine($"Grading {submissions.Count} submissions x {katas.Count} katas with {workers} workers (workspaces in {work}).");
        var clock = Stopwatch.StartNew();
        var bar = new ProgressBar(Console.Out, Console.IsOutputRedirected);
        var grades = new BatchGrader(teacher, points, work).Grade(submissions, katas, workers, bar.Show);
        bar.Finish();

        BatchReports.Write(output, grades, katas);
        GradesFile.Write(output, grades, katas);
        Console.WriteLine(BatchReports.Summary(grades, katas, clock.Elapsed, output));
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
