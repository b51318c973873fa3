using System.CommandLine;

namespace Katas.Cli;

/// <summary>`katas merge &lt;out&gt; &lt;folders...&gt;`: the reports of several `grade --shard` runs, written as one run's.</summary>
public static class MergeCommand
{
    public static Command Create()
    {
        var output = new Argument<string>("out") { Description = "the folder to write the merged reports to" };
        var folders = new Argument<DirectoryInfo[]>("folders")
        {
            Description = "the --out folders of `grade --shard K/N` runs (each holds grades.json)",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("merge", "one gradebook, feedback, Gradescope and JUnit set from the --out folders of `grade --shard K/N` runs")
        {
            output, folders,
        };
        command.SetAction(parse =>
        {
            var target = Path.GetFullPath(parse.GetRequiredValue(output));
            var (grades, katas) = Merge([.. parse.GetRequiredValue(folders).Select(folder => folder.FullName)]);
            BatchReports.Write(target, grades, katas);
            GradesFile.Write(target, grades, katas);
            Console.WriteLine(BatchReports.Summary(grades, katas, TimeSpan.Zero, target));
            return 0;
        });
        return command;
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
