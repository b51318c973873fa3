using System.Diagnostics;
using System.Text;

namespace Katas.Graders.ThreadsAndProcesses;

/// <summary>One line the code under test wrote, with who wrote it and when.</summary>
/// <param name="ThreadId">The managed id of the thread that finished the line.</param>
/// <param name="OnPoolThread">Whether that thread was a thread-pool thread (Task.Run) rather than a thread of its own.</param>
/// <param name="At">When the line was finished, from the writer's creation.</param>
/// <param name="Writer">The thread itself: two threads never share it, even when a new thread reuses a finished one's id.</param>
internal sealed record WrittenLine(string Text, int ThreadId, bool OnPoolThread, TimeSpan At, Thread Writer);

/// <summary>
/// The writer the grader hands to the student's code. It notes which thread wrote each line, so the grader sees
/// for itself whether a new thread said hello. After each line it holds the writing thread for <paramref name="hold"/>:
/// code that does not wait for its thread returns while the thread is still printing, every time, not by luck.
/// </summary>
/// <param name="afterFirstLine">Called on the writing thread once the first line is in (outside the writer's lock).</param>
internal sealed class WitnessWriter(TimeSpan hold, Action? afterFirstLine = null) : LineWriter
{
    private const int MaxLines = 1000;
    private readonly object _gate = new();
    private readonly StringBuilder _pending = new();
    private readonly List<WrittenLine> _lines = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>The lines finished so far.</summary>
    public IReadOnlyList<WrittenLine> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    public IReadOnlyList<string> Texts => Lines.Select(line => line.Text).ToList();

    public override void Write(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        var finished = 0;
        var first = false;
        lock (_gate)
        {
            foreach (var c in value)
            {
                if (c != '\n')
                {
                    _pending.Append(c);
                    continue;
                }

                if (_lines.Count < MaxLines)
                {
                    _lines.Add(new WrittenLine(_pending.ToString().TrimEnd('\r'), Environment.CurrentManagedThreadId,
                        Thread.CurrentThread.IsThreadPoolThread, _clock.Elapsed, Thread.CurrentThread));
                    first |= _lines.Count == 1;
                }

                _pending.Clear();
                finished++;
            }
        }

        if (first)
        {
            afterFirstLine?.Invoke();
        }

        if (finished > 0)
        {
            Thread.Sleep(hold * finished);
        }
    }

    /// <summary>Waits until <paramref name="count"/> lines are there, or nothing new came for <paramref name="quiet"/>.</summary>
    public IReadOnlyList<WrittenLine> WaitForLines(int count, TimeSpan quiet, TimeSpan atMost)
    {
        var waited = Stopwatch.StartNew();
        var seen = -1;
        var lastChange = Stopwatch.StartNew();
        while (waited.Elapsed < atMost)
        {
            var now = Lines.Count;
            if (now >= count)
            {
                break;
            }

            if (now != seen)
            {
                seen = now;
                lastChange.Restart();
            }
            else if (lastChange.Elapsed >= quiet)
            {
                break;
            }

            Thread.Sleep(10);
        }

        return Lines;
    }

    /// <summary>The lines as the student would see them printed, for messages.</summary>
    public static string Show(IEnumerable<WrittenLine> lines)
    {
        var text = string.Join("\n", lines.Select(line => "    " + line.Text));
        return text.Length == 0 ? "    (nothing)" : text;
    }
}
