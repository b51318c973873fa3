using System.Text;

namespace Katas.Graders.LockedCounter;

/// <summary>
/// The writer handed to LockedCounterProgram.Run when the grader checks that its two threads run at the same time:
/// it records which thread printed each line, and holds the first thread that prints until a line comes from another
/// thread. Two threads running together both print, so the wait ends; a program that starts the second thread only
/// after the first has finished (or prints both lines from one thread) leaves the first printer waiting for a line
/// that cannot come while it waits: under Coyote a deadlock, on real threads a wait that runs out.
/// </summary>
/// <remarks>
/// Whatever order the operations take the lock in, the thread that prints first has finished its operation, and the
/// other one is free to finish its own (nobody holds the counter's lock while printing), so correct code never waits
/// long.
/// </remarks>
internal sealed class PrintingThreads(TimeSpan patience) : TextWriter
{
    private readonly object _gate = new();
    private readonly Dictionary<int, StringBuilder> _partial = [];
    private readonly List<(string Line, int Thread)> _lines = [];
    private int _waiting;
    private bool _waitedInVain;

    public override Encoding Encoding => Encoding.UTF8;

    public IReadOnlyList<(string Line, int Thread)> Lines()
    {
        lock (_gate)
        {
            return [.. _lines];
        }
    }

    /// <summary>Whether a printing thread gave up waiting for a line from another thread (real threads only).</summary>
    public bool WaitedInVain
    {
        get
        {
            lock (_gate)
            {
                return _waitedInVain;
            }
        }
    }

    /// <summary>How many threads are waiting right now for a line from another thread.</summary>
    public int Waiting
    {
        get
        {
            lock (_gate)
            {
                return _waiting;
            }
        }
    }

    public override void Write(char value) => Write(value.ToString());

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void Write(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        var thread = Environment.CurrentManagedThreadId;
        var completed = new List<string>();
        lock (_gate)
        {
            if (!_partial.TryGetValue(thread, out var partial))
            {
                _partial[thread] = partial = new StringBuilder();
            }

            foreach (var c in value)
            {
                if (c == '\n')
                {
                    completed.Add(partial.ToString().TrimEnd('\r'));
                    partial.Clear();
                }
                else if (partial.Length < 1_000)
                {
                    partial.Append(c);
                }
            }

            foreach (var line in completed.Where(line => _lines.Count < 100))
            {
                _lines.Add((line, thread));
            }

            if (completed.Count > 0)
            {
                Monitor.PulseAll(_gate);
                if (_lines.Count(entry => entry.Thread == thread) == completed.Count)
                {
                    // This thread's first line: wait until some other thread has printed one.
                    AwaitAnotherPrinter(thread);
                }
            }
        }
    }

    public override void WriteLine(string? value) => Write(value + "\n");

    public override void WriteLine(int value) => WriteLine(value.ToString(FormatProvider));

    public override void WriteLine(long value) => WriteLine(value.ToString(FormatProvider));

    public override void WriteLine(object? value) => WriteLine(value?.ToString());

    private void AwaitAnotherPrinter(int thread)
    {
        _waiting++;
        // No clock under Coyote: it would count as a call outside its control.
        var deadline = Invariant.IsExploring ? DateTime.MaxValue : DateTime.UtcNow + patience;
        while (_lines.All(entry => entry.Thread == thread))
        {
            if (Invariant.IsExploring)
            {
                // Coyote does not model time: a wait that cannot end is its deadlock, explained by the grader.
                Monitor.Wait(_gate);
                continue;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                _waitedInVain = true;
                break;
            }

            Monitor.Wait(_gate, left);
        }

        _waiting--;
    }
}
