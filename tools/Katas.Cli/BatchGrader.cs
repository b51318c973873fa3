using System.Collections.Concurrent;

namespace Katas.Cli;

/// <summary>Every kata of one submission, graded.</summary>
public sealed record SubmissionGrade(string Student, IReadOnlyList<KataVerdict> Katas, IReadOnlyList<string> IgnoredTeacherFiles)
{
    public double Score => Math.Round(Katas.Sum(kata => kata.Score), 2);

    public int MaxScore => Katas.Sum(kata => kata.MaxScore);

    /// <summary>The commit graded, when the submission is a git clone (<see cref="Provenance"/>); null otherwise.</summary>
    public SubmissionSource? Source { get; init; }
}

/// <param name="Done">Kata runs finished so far, of <paramref name="Total"/>.</param>
/// <param name="Latest">The run that just finished.</param>
public sealed record BatchProgress(int Done, int Total, string Student, KataVerdict Latest);

/// <summary>One check of a run finished (the progress bar counts them while a kata's checks run).</summary>
public sealed record CheckProgress(string Student, string Kata, string Check, bool Passed);

/// <summary>
/// Grades a folder of submissions: every kata of every submission in its own build and test run, with the kata's
/// time limit, in private workspaces (one per worker). Workers take (submission, kata) runs from one queue, so both
/// cores stay busy; the grades do not depend on how many workers there are or in which order runs finish.
/// </summary>
/// <param name="sandbox">Where every build and test of submitted code runs (<see cref="Sandbox"/>); directly when null.</param>
public sealed class BatchGrader(KataRepository teacher, PointsConfig points, string workRoot, Sandbox? sandbox = null)
{
    public IReadOnlyList<SubmissionGrade> Grade(
        IReadOnlyList<Submission> submissions, IReadOnlyList<string> katas, int workers, Action<BatchProgress>? progress = null,
        Action<CheckProgress>? checkDone = null)
    {
        var pristine = TeacherFiles.Hashes(teacher.Root);
        var runs = new ConcurrentQueue<(Submission Submission, string Kata)>(
            submissions.SelectMany(submission => katas.Select(kata => (submission, kata))));
        var total = runs.Count;
        var verdicts = new ConcurrentDictionary<(string Student, string Kata), KataVerdict>();
        // Identical code gets an identical grade, so it is graded once: untouched stubs, copies of one solution.
        var byCode = new ConcurrentDictionary<string, Lazy<KataVerdict>>(StringComparer.Ordinal);
        var done = 0;

        var threads = Enumerable.Range(1, Math.Max(1, Math.Min(workers, total))).Select(worker => new Thread(() =>
        {
            var workspace = new GradingWorkspace(teacher, pristine, Path.Combine(workRoot, $"worker-{worker}"));
            var results = Path.Combine(workRoot, $"worker-{worker}-results");
            // The worker's own folders are all a run may write; the other workers', the submissions and the teacher's stay out of sight.
            using var commands = new GradedCommands(sandbox, [workspace.Repository.Root, Path.GetFullPath(workspace.CodeRoot), results],
                buildTmp: Path.Combine(workRoot, $"worker-{worker}-build-tmp"));
            var runner = new KataRunner(workspace.Repository, points, commands);
            while (runs.TryDequeue(out var run))
            {
                KataVerdict verdict;
                try
                {
                    Action<string, bool>? reportCheck = checkDone is null
                        ? null
                        : (check, passed) => checkDone(new CheckProgress(run.Submission.Student, run.Kata, check, passed));
                    verdict = byCode.GetOrAdd(run.Submission.Fingerprint(run.Kata), code => new Lazy<KataVerdict>(
                        () => GradeOne(run.Submission, run.Kata, workspace, runner, results, reportCheck) with { Fingerprint = code })).Value;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Xml.XmlException)
                {
                    // One unreadable submission (or a results file it corrupted) must not stop the batch.
                    verdict = KataVerdict.Without(run.Kata, KataState.Crashed, points.For(run.Kata).Points,
                        "could not be graded: " + e.Message);
                    _ = workspace.Repair();
                }

                verdicts[(run.Submission.Student, run.Kata)] = verdict;
                progress?.Invoke(new BatchProgress(Interlocked.Increment(ref done), total, run.Submission.Student, verdict));
            }
        })
        { Name = $"grading worker {worker}" }).ToList();

        threads.ForEach(thread => thread.Start());
        threads.ForEach(thread => thread.Join());

        return [.. submissions.Select(submission => new SubmissionGrade(
            submission.Student,
            [.. katas.Select(kata => verdicts[(submission.Student, kata)])],
            submission.ChangedTeacherFiles(pristine)))];
    }

    private KataVerdict GradeOne(Submission submission, string kata, GradingWorkspace workspace, KataRunner runner, string results,
        Action<string, bool>? checkDone)
    {
        var maxScore = points.For(kata).Points;
        if (Scoring.BeforeGrading(teacher, kata, submission, maxScore) is { } ungraded)
        {
            return ungraded;
        }

        if (workspace.PrepareBuild(kata) is { Count: > 0 } changed)
        {
            Console.Error.WriteLine($"{Path.GetFileName(workspace.Repository.Root)}: {changed.Count} build outputs of {kata} were changed since its last build ({changed[0]}, ...); building everything again.");
        }

        submission.CopySourcesTo(kata, workspace.CodeRoot);
        var verdict = runner.Run(kata, workspace.CodeRoot, results, restore: workspace.NeedsRestore(kata), built: () => workspace.RecordOutputs(kata), checkDone: checkDone);
        List<string> tampered = [.. workspace.Repair(), .. workspace.OutputsChangedByRun(kata)];
        if (tampered.Count > 0)
        {
            var doesNotCount = KataVerdict.Without(kata, KataState.Tampered, maxScore,
                "does not count: while it ran, your code changed or deleted files outside its own folder",
                "Changed, put back before the next run:\n" + string.Join('\n', tampered.Take(20).Select(path => "  " + path)),
                verdict.BuildTime, verdict.TestTime);
            return doesNotCount with { Sandboxed = verdict.Sandboxed };
        }

        return verdict;
    }
}
