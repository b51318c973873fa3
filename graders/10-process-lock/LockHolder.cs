namespace Katas.Graders.ProcessLock;

/// <summary>
/// Holds a named Mutex from a thread of its own until <see cref="Release"/>. A Mutex belongs to the thread that
/// took it and must be released by that thread, so the test's own (pool) thread cannot hold it across awaits.
/// </summary>
internal sealed class LockHolder : IDisposable
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(10);

    private readonly GraderEvent _taken = new();
    private readonly GraderEvent _release = new();
    private readonly GraderThreads _thread = new();
    private bool _released;

    public LockHolder(string name)
    {
        _thread.Add(() =>
        {
            using var mutex = new Mutex(initiallyOwned: false, name);
            mutex.WaitOne();
            _taken.Set();
            _release.Wait();
            mutex.ReleaseMutex();
        }).Start();
        Invariant.Holds(_taken.Wait(s_limit), $"Grader problem: the grader could not take the named Mutex \"{name}\" within {s_limit.TotalSeconds:0} s.");
    }

    /// <summary>Takes the named mutex on a thread of the grader's and ends that thread without releasing it.</summary>
    public static void Abandon(string name) => GraderThreads.Run(s_limit, () =>
    {
        using var mutex = new Mutex(initiallyOwned: false, name);
        mutex.WaitOne();
    });

    public void Release()
    {
        if (_released)
        {
            return;
        }

        _released = true;
        _release.Set();
        _thread.Join(s_limit);
    }

    public void Dispose()
    {
        Release();
        _taken.Dispose();
        _release.Dispose();
    }
}
