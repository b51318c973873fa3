namespace Katas.Grading;

/// <summary>
/// The scene of a check's current run: the grader's object that starts the threads and notes where each one is, kept
/// by the check that runs it, so that its explainer tells the run that failed. Coyote stops at the first schedule that
/// fails, and a stress run that times out is the last one, so the scene played last is the failing one.
/// </summary>
/// <remarks>
/// Make one where the check is made, never a static: a static "last run" is shared by every check of the grader, and by
/// the rewritten grader and the unrewritten copy that a stress rerun runs in (<see cref="RealThreads"/>), so one check's
/// explainer could read another's run.
/// </remarks>
public sealed class Scene<T>
    where T : class
{
    private T? _current;

    /// <summary>Makes <paramref name="scene"/> the current run's scene, and returns it.</summary>
    public T Play(T scene)
    {
        Volatile.Write(ref _current, scene);
        return scene;
    }

    /// <summary>An explainer for the check: <paramref name="explain"/> of the scene played last, or <paramref name="beforeAnyRun"/>.</summary>
    public Func<string> Explain(Func<T, string> explain, string beforeAnyRun) =>
        () => Volatile.Read(ref _current) is { } scene ? explain(scene) : beforeAnyRun;
}
