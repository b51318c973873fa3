namespace Katas.Graders.ProcessLock;

/// <summary>
/// Holds a named Mutex from a thread of its own until <see cref="Release"/>. A Mutex belongs to the thread that
/// took it and must be released by that thread, so the test's own (pool) thread cannot hold it across awaits.
/// </summary>
internal sealed class LockHolder : IDisposable
{
    private readonly ManualResetEventSlim _taken = new();
    private readonly ManualResetEventSlim _release = new();
    private readonly Thread _thread;

    public LockHolder(string name)
    {
        _thread = new Thread(() =>
        {
            using var mutex = new Mutex(initiallyOwned: false, name);
            mutex.WaitOne();
            _taken.Set();
            _release.Wait();
            mutex.ReleaseMutex();
        })
        { IsBackground = true };
        _thread.Start();
        _taken.Wait(TimeSpan.FromSeconds(10));
    }

    public void Release()
    {
        _release.Set();
        _thread.Join(TimeSpan.FromSeconds(10));
    }

    public void Dispose()
    {
        Release();
        _taken.Dispose();
        _release.Dispose();
    }
}
