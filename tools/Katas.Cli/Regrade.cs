namespace Katas.Cli;

/// <summary>
/// `katas grade` into an --out folder that holds an earlier run's grades.json: the (student, kata) cells graded now
/// replace theirs, every other cell stays as it was, and the reports are then written whole from the merged grades (a
/// regrade of one student no longer leaves a one-row gradebook next to the other students' stale feedback).
/// </summary>
public static class Regrade
{
    /// <returns>The merged grades (students in name order), the katas of the merged gradebook (lesson order), and how
    /// many earlier cells were kept.</returns>
    public static (IReadOnlyList<SubmissionGrade> Grades, IReadOnlyList<string> Katas, int Kept) Into(
        string folder, IReadOnlyList<SubmissionGrade> graded, IReadOnlyList<string> katas, PointsConfig points)
    {
        if (!File.Exists(Path.Combine(folder, GradesFile.Name)))
        {
            return (graded, katas, 0);
        }

        var earlier = GradesFile.Read(folder);
        var allKatas = earlier.Katas.Union(katas).Order(StringComparer.Ordinal).ToList();
        var now = graded.ToDictionary(grade => grade.Student, StringComparer.Ordinal);
        var before = earlier.Grades.ToDictionary(grade => grade.Student, StringComparer.Ordinal);
        var kept = 0;
        var merged = now.Keys.Union(before.Keys).Order(StringComparer.Ordinal).Select(student =>
        {
            var fresh = now.GetValueOrDefault(student);
            var old = before.GetValueOrDefault(student);
            var cells = allKatas.Select(kata =>
            {
                if (fresh?.Katas.FirstOrDefault(verdict => verdict.Kata == kata) is { } verdict)
                {
                    return verdict;
                }

                if (old?.Katas.FirstOrDefault(verdict => verdict.Kata == kata) is { } earlierVerdict)
                {
                    kept++;
                    return earlierVerdict;
                }

                return KataVerdict.Without(kata, KataState.NotGraded, points.For(kata).Points,
                    $"not graded yet: grade this student's {kata} with --students {student} --katas {kata[..2]}");
            }).ToList();
            return new SubmissionGrade(student, cells, fresh?.IgnoredTeacherFiles ?? old!.IgnoredTeacherFiles) { Source = fresh is null ? old!.Source : fresh.Source };
        }).ToList();
        return (merged, allKatas, kept);
    }
}
