namespace Katas.Cli;

/// <summary>
/// A private copy of the teacher's graders and build files where one worker builds and grades submissions, one
/// kata at a time. Submitted code runs here, never in the teacher's repository: code that deletes or rewrites
/// files it finds around itself reaches only this copy. After every run the copy is compared with the teacher's
/// files; anything changed is put back before the next run, and the run that changed it does not count.
/// Builds stay in the copy (bin/, obj/), so every build after a worker's first is incremental, and after a kata's first
/// the next submission's code is compiled alone (<see cref="KataFastBuild"/>), reusing the built grader. Those outputs
/// are hashed once built, before any submitted code runs: a run that changes them does not count either, and outputs
/// found changed before a build are all deleted and built again, so no run is graded by what another run left.
/// </summary>
public sealed class GradingWorkspace
{
    private readonly KataRepository _teacher;
    private readonly IReadOnlyDictionary<string, string> _pristine;
    private readonly HashSet<string> _restored = [];
    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _outputs = new(StringComparer.Ordinal);

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

    /// <summary>
    /// Before a kata's build: when what its last build left was changed since (by a run of another kata; a run of its own
    /// was scored "tampered" already), nothing built before is trusted and every output is deleted. Returns what changed.
    /// </summary>
    public IReadOnlyList<string> PrepareBuild(string kata)
    {
        var changed = ChangedOutputs(kata);
        if (changed.Count > 0)
        {
            CleanOutputs();
        }

        // This build changes them: what the checks must leave alone is what it leaves (RecordOutputs).
        _outputs.Remove(kata);
        return changed;
    }

    /// <summary>Hashes the build outputs a kata's runs depend on, as they are now (call after its build, before its test).</summary>
    public void RecordOutputs(string kata) => _outputs[kata] = HashesOf(OutputFolders(kata));

    /// <summary>
    /// After a kata's checks ran the submitted code: the recorded outputs it changed or deleted (relative paths, like
    /// <see cref="Repair"/>'s); if any, every output is deleted, so the next build starts from nothing.
    /// </summary>
    public IReadOnlyList<string> OutputsChangedByRun(string kata)
    {
        var changed = ChangedOutputs(kata);
        if (changed.Count > 0)
        {
            CleanOutputs();
        }

        return changed;
    }

    /// <summary>Recorded outputs of <paramref name="kata"/> now changed or gone, relative to the workspace (none when none were recorded).</summary>
    private List<string> ChangedOutputs(string kata)
    {
        if (!_outputs.TryGetValue(kata, out var recorded))
        {
            return [];
        }

        var now = HashesOf(OutputFolders(kata));
        return [.. recorded.Where(pair => now.GetValueOrDefault(pair.Key) != pair.Value)
            .Select(pair => Path.GetRelativePath(Repository.Root, pair.Key).Replace('\\', '/'))];
    }

    /// <summary>Deletes every build output of the workspace: the next build of each kata restores and compiles from nothing.</summary>
    private void CleanOutputs()
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.Combine(Repository.Root, "graders"), "*", SearchOption.AllDirectories)
                     .Where(folder => Path.GetFileName(folder) is "bin" or "obj").ToList())
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        _restored.Clear();
        _outputs.Clear();
    }

    /// <summary>The kata's grader folder (grader and kata projects) and the shared grading libraries, their bin/ and obj/.</summary>
    private IEnumerable<string> OutputFolders(string kata) =>
        new[] { kata, "Katas.Grading", "Katas.Grading.Http" }
            .SelectMany(project => new[] { "bin", "obj", "Kata/bin", "Kata/obj" }.Select(output => Path.Combine(Repository.Root, "graders", project, output)))
            .Where(Directory.Exists);

    /// <summary>
    /// What the graders themselves write next to their assembly: the schedules of the bugs Coyote found, for a student to
    /// replay (graders/Katas.Grading/SystematicTest.cs). Each run with a bug rewrites them; no build reads them.
    /// </summary>
    private const string GraderTraces = "coyote-traces";

    private static Dictionary<string, string> HashesOf(IEnumerable<string> folders) =>
        folders.SelectMany(folder => Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
            .Where(file => !file.Split('/', '\\').Contains(GraderTraces))
            .ToDictionary(file => file, file => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file))), StringComparer.Ordinal);
}
