namespace Katas.Cli;

/// <summary>
/// One student's submission: a folder that is a clone of their repository (with exercises/ inside) or just their
/// exercises/ folder. Only the C# sources under it are graded; project files, graders, build settings and
/// anything else in it are ignored (a .csproj, .props or .targets can run any command at build time).
/// </summary>
public sealed class Submission(string folder)
{
    public string Folder { get; } = Path.GetFullPath(folder);

    /// <summary>The folder name, which names the student in the gradebook.</summary>
    public string Student => Path.GetFileName(Folder.TrimEnd('/', '\\'));

    /// <summary>The folder laid out like exercises/: the clone's exercises/, or the submission itself.</summary>
    public string? ExercisesFolder =>
        !Directory.Exists(Folder) ? null
        : Directory.Exists(Path.Combine(Folder, "exercises")) ? Path.Combine(Folder, "exercises")
        : Directory.EnumerateDirectories(Folder).Any(dir => KataRepository.IsKataName(Path.GetFileName(dir))) ? Folder
        : null;

    /// <summary>The submission's C# sources for one kata, relative to its kata folder (bin/ and obj/ left out).</summary>
    public IReadOnlyList<string> SourcesOf(string kata)
    {
        var folder = ExercisesFolder is { } exercises ? Path.Combine(exercises, kata) : null;
        if (folder is null || !Directory.Exists(folder))
        {
            return [];
        }

        return [.. Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(folder, file))
            .Where(relative => !relative.Split('/', '\\').Any(part => part is "bin" or "obj"))
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// Each of the kata's sources as a path relative to the kata folder (with '/') and the SHA-256 of its content:
    /// what graders/stubs.sha256 records of a stub, and what <see cref="Fingerprint"/> hashes.
    /// </summary>
    public IEnumerable<(string Path, string Hash)> SourceHashes(string kata) =>
        SourcesOf(kata).Select(relative => (relative.Replace('\\', '/'), TeacherFiles.Hash(System.IO.Path.Combine(ExercisesFolder!, kata, relative))));

    /// <summary>The kata's name and every source's path and content, hashed: equal fingerprints, equal code.</summary>
    public string Fingerprint(string kata)
    {
        var text = new System.Text.StringBuilder(kata).Append('\n');
        foreach (var (path, hash) in SourceHashes(kata))
        {
            text.Append(path).Append(' ').Append(hash).Append('\n');
        }

        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>Copies the kata's C# sources (and nothing else) to <paramref name="codeRoot"/>/<paramref name="kata"/>/, replacing what was there.</summary>
    public void CopySourcesTo(string kata, string codeRoot)
    {
        // Emptied, not deleted: a worker's compiler server sees the folder through a bind mount of its sandbox
        // (tools/Katas.Cli/Sandbox/CompilerServer.cs), which would go on showing a deleted folder, not a new one.
        foreach (var entry in Directory.Exists(codeRoot) ? new DirectoryInfo(codeRoot).GetFileSystemInfos() : [])
        {
            if (entry is DirectoryInfo { LinkTarget: null } folder)
            {
                folder.Delete(recursive: true);
            }
            else
            {
                entry.Delete();
            }
        }

        var target = Path.Combine(codeRoot, kata);
        Directory.CreateDirectory(target);
        foreach (var relative in SourcesOf(kata))
        {
            var destination = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            // A symbolic link could point at any file on the teacher's machine: copy what it points to only if it is a regular file.
            var source = new FileInfo(Path.Combine(ExercisesFolder!, kata, relative));
            if (source.LinkTarget is null)
            {
                source.CopyTo(destination);
                // The copy keeps the source's time stamp. The previous submission graded here had a file of the same
                // name, compiled later than this one was written: MSBuild would call the build up to date and grade
                // the previous student's code.
                File.SetLastWriteTimeUtc(destination, DateTime.UtcNow);
            }
        }
    }

    /// <summary>
    /// Teacher files (graders, build files) that the submission's own copy has changed or added: they were ignored,
    /// but a teacher wants to know that somebody tried. Empty when the submission is only an exercises/ folder.
    /// </summary>
    public IReadOnlyList<string> ChangedTeacherFiles(IReadOnlyDictionary<string, string> pristine)
    {
        if (!Directory.Exists(Path.Combine(Folder, "graders")))
        {
            return [];
        }

        var theirs = TeacherFiles.Hashes(Folder);
        return [.. theirs.Where(pair => pristine.GetValueOrDefault(pair.Key) is not { } hash || hash != pair.Value)
            .Select(pair => pair.Key)
            .Where(path => !path.StartsWith("data/", StringComparison.Ordinal))];
    }
}
