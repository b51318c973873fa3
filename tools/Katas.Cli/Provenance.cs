using System.Globalization;
using System.IO.Compression;

namespace Katas.Cli;

/// <summary>Which commit of a student's clone was graded, when it was made, and whether a later one came after the deadline.</summary>
/// <param name="Commit">The graded commit's id; null when no commit was made before the deadline (nothing graded).</param>
/// <param name="Committed">Its committer date (what `git log --before` compares; a student's clock sets it).</param>
/// <param name="Late">The newest commit is after the deadline: it was not graded.</param>
public sealed record SubmissionSource(string? Commit, DateTimeOffset? Committed, bool Late, DateTimeOffset? Deadline)
{
    public string Describe() => Commit is null
        ? $"no commit at or before the deadline {Deadline:yyyy-MM-dd HH:mm zzz}: nothing was graded"
        : $"commit {Commit[..Math.Min(10, Commit.Length)]} of {Committed:yyyy-MM-dd HH:mm zzz}"
          + (Deadline is { } deadline ? $", the last at or before the deadline {deadline:yyyy-MM-dd HH:mm zzz}" : "")
          + (Late ? "; later commits were not graded" : "");
}

/// <summary>
/// `katas grade --deadline`: a submission that is a git clone is graded as it was at its last commit at or before the
/// deadline, exported with `git archive` into a scratch folder (only committed files count: the working tree's changes
/// have no time) (the student's checkout is never changed: no checkout,
/// no reset, no worktree in their .git). Without a deadline a clone is graded as it is, and its HEAD is recorded.
/// Git runs with hooks and fsmonitor off: a clone's .git/config must not run commands on the teacher's machine.
/// </summary>
public static class Provenance
{
    private static readonly string[] s_safe = ["-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false"];

    /// <summary>The submission to grade and where it came from; <c>Source</c> is null when the folder is no git clone.</summary>
    public static (Submission Graded, SubmissionSource? Source) Resolve(Submission submission, DateTimeOffset? deadline, string scratch)
    {
        if (!Directory.Exists(Path.Combine(submission.Folder, ".git")) || Git(submission.Folder, "rev-parse", "HEAD") is not { } head)
        {
            return (submission, null);
        }

        var newest = CommitTime(submission.Folder, head)!.Value;
        if (deadline is not { } due)
        {
            return (submission, new SubmissionSource(head, newest, Late: false, Deadline: null));
        }

        var late = newest > due;
        var graded = Git(submission.Folder, "rev-list", "-1", $"--before={due.ToUnixTimeSeconds()}", "HEAD");
        var copy = Path.Combine(scratch, submission.Student);
        if (Directory.Exists(copy))
        {
            Directory.Delete(copy, recursive: true);
        }

        Directory.CreateDirectory(copy);
        if (graded is null or "")
        {
            // Nothing was committed in time: an empty folder, every kata missing.
            return (new Submission(copy), new SubmissionSource(null, null, late, due));
        }

        // With a deadline only what was committed counts (the working tree's changes have no time): always the archive.
        var archive = Path.Combine(scratch, submission.Student + ".zip");
        if (Git(submission.Folder, "archive", "--format=zip", "-o", archive, graded) is null)
        {
            throw new IOException($"git archive of {graded} in {submission.Folder} failed");
        }

        ZipFile.ExtractToDirectory(archive, copy);
        File.Delete(archive);
        return (new Submission(copy), new SubmissionSource(graded, CommitTime(submission.Folder, graded), late, due));
    }

    private static DateTimeOffset? CommitTime(string folder, string commit) =>
        Git(folder, "log", "-1", "--format=%cI", commit) is { Length: > 0 } text
            ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture)
            : null;

    private static string? Git(string folder, params string[] arguments) =>
        GitCommand.Output(folder, [.. s_safe, .. arguments])?.Trim();
}
