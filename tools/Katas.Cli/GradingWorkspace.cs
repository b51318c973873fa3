namespace Katas.Cli;

/// <summary>
/// A private copy of the teacher's graders and build files where one worker builds and grades submissions, one
/// kata at a time. Submitted code runs here, never in the teacher's repository: code that deletes or rewrites
/// files it finds around itself reaches only this copy. After every run the copy is compared with the teacher's
/// files; anything changed is put back before the next run, and the run that changed it does not count.
/// Builds stay in the copy (bin/, obj/), so every build after a worker's first is incremental.
/// </summary>
public sealed class GradingWorkspace
{
    private readonly KataRepository _teacher;
    private readonly IReadOnlyDictionary<string, string> _pristine;
    private readonly HashSet<string> _restored = [];

    public GradingWorkspace(KataRepository teacher, IReadOnlyDictionary<string, string> pristine, string root)
    {
        _teacher = teacher;
        _pristine = pristine;
        Repository = new KataRepository(root);
        Directory.CreateDirectory(root);
        _ = Repair();
    }

    public KataRepository Repository { get; }

    /// <summary>Graded code is copied here for one run (a folder laid out like exercises/).</summary>
    public string CodeRoot => Path.Combine(Repository.Root, "..", Path.GetFileName(Repository.Root) + "-code");

    /// <summary>Whether `dotnet restore` has run here for the kata's grader (once per workspace is enough).</summary>
    public bool NeedsRestore(string kata) => _restored.Add(kata);

    /// <summary>Puts back every teacher file that is missing or changed and removes added ones; returns what it fixed.</summary>
    public IReadOnlyList<string> Repair()
    {
        var current = TeacherFiles.Hashes(Repository.Root);
        var changed = _pristine.Where(pair => current.GetValueOrDefault(pair.Key) != pair.Value).Select(pair => pair.Key).ToList();
        var added = current.Keys.Where(path => !_pristine.ContainsKey(path)).ToList();
        foreach (var path in changed)
        {
            var target = Path.Combine(Repository.Root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(_teacher.Root, path), target, overwrite: true);
        }

        foreach (var path in added)
        {
            File.Delete(Path.Combine(Repository.Root, path));
        }

        return [.. changed, .. added];
    }
}
