namespace Katas.Cli;

/// <summary>
/// What keeps a teacher's own work out of the stubs: a teacher who solved an exercise in their working copy and then ran
/// `katas generate` used to record the solution as the stub (graders/stubs.sha256), and `katas template` shipped it.
/// Both now refuse while an exercises/ file differs from its committed version or a stub file equals its reference
/// solution's file where the committed stub did not (a file the stub hands out as given code, such as kata 13's
/// Program.cs, may equal the solution's).
/// </summary>
public static class StubGuard
{
    /// <summary>Why the stubs of <paramref name="repository"/> cannot be recorded or exported now (empty when they can).</summary>
    public static IReadOnlyList<string> Problems(KataRepository repository)
    {
        var changed = GitCommand.Output(repository.Root, "status", "--porcelain", "--untracked-files=all", "--", "exercises");
        if (changed is null)
        {
            // Not a git checkout (an exported template): there is no committed stub to compare with.
            return [];
        }

        var problems = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in changed.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(line => line.Length > 3))
        {
            var path = line[3..].Trim().Trim('"');
            problems[path] = $"{path} differs from its committed version: commit it if it is the new stub, or put the stub back (git checkout -- {path}).";
        }

        foreach (var kata in repository.Katas)
        {
            foreach (var (file, hash) in new Submission(repository.Exercises).SourceHashes(kata))
            {
                var solution = Path.Combine(repository.Root, "solutions", kata, file);
                var stub = $"exercises/{kata}/{file}";
                if (File.Exists(solution) && TeacherFiles.Hash(solution) == hash
                    && GitCommand.Output(repository.Root, "show", $"HEAD:{stub}") is { } committed && committed != File.ReadAllText(solution))
                {
                    problems[stub] = $"{stub} is the reference solution's file (solutions/{kata}/{file}), not the stub: put the stub back (git checkout -- {stub}).";
                }
            }
        }

        return [.. problems.Values];
    }

    /// <summary>Throws with every problem, for a command that must not record or export the stubs now.</summary>
    public static void Require(KataRepository repository, string command)
    {
        var problems = Problems(repository);
        if (problems.Count > 0)
        {
            throw new UsageException($"`katas {command}` would take your own work for the stubs students get:\n  " + string.Join("\n  ", problems));
        }
    }
}
