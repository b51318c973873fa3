namespace Katas.Cli;

/// <summary>`katas merge &lt;out&gt; &lt;folders...&gt;`: the reports of several `grade --shard` runs, written as one run's.</summary>
public static class MergeCommand
{
    public const string Usage = """
          katas merge <out> <folder>...  one gradebook, feedback, Gradescope and JUnit set from the --out folders of
                                       `grade --shard K/N` runs (each holds grades.json)
        """;

    public static int Run(CommandLine line)
    {
        var output = Path.GetFullPath(line.Positional(0, "the folder to write the merged reports to"));
        List<string> folders = [];
        for (var index = 1; line.OptionalPositional(index) is { } folder; index++)
        {
            folders.Add(Path.GetFullPath(folder));
        }

        if (folders.Count == 0)
        {
            throw new UsageException("Give the --out folders of the shards to merge.");
        }

        var (grades, katas) = Merge(folders);
        BatchReports.Write(output, grades, katas);
        GradesFile.Write(output, grades, katas);
        Console.WriteLine(BatchReports.Summary(grades, katas, TimeSpan.Zero, output));
        return 0;
    }

    /// <summary>The shards' grades together, in student order; the shards must have graded the same katas, each student once.</summary>
    public static (IReadOnlyList<SubmissionGrade> Grades, IReadOnlyList<string> Katas) Merge(IReadOnlyList<string> folders)
    {
        var shards = folders.Select(GradesFile.Read).ToList();
        var katas = shards[0].Katas;
        if (shards.FirstOrDefault(shard => !shard.Katas.SequenceEqual(katas)) is { } other)
        {
            throw new UsageException($"The shards graded different katas ({string.Join(",", katas)} and {string.Join(",", other.Katas)}): grade them with the same --katas.");
        }

        var grades = shards.SelectMany(shard => shard.Grades).OrderBy(grade => grade.Student, StringComparer.Ordinal).ToList();
        if (grades.GroupBy(grade => grade.Student).FirstOrDefault(group => group.Count() > 1) is { } twice)
        {
            throw new UsageException($"{twice.Key} was graded by more than one shard: give each shard its own K of the same N.");
        }

        return (grades, katas);
    }
}
