using System.Text;

namespace Katas.Grading;

/// <summary>
/// A thread-safe writer that keeps at most <see cref="Capacity"/> characters, so that a submission
/// printing megabytes cannot flood the grader's report. Graders hand it to the code under test.
/// </summary>
public sealed class CappedWriter(int capacity = 64 * 1024) : LineWriter
{
    private readonly object _gate = new();
    private readonly StringBuilder _text = new();
    private long _dropped;

    public int Capacity { get; } = capacity;

    /// <summary>Characters written after the capacity was reached.</summary>
    public long Dropped
    {
        get
        {
            lock (_gate)
            {
                return _dropped;
            }
        }
    }

    public override void Write(char value)
    {
        lock (_gate)
        {
            if (_text.Length < Capacity)
            {
                _text.Append(value);
            }
            else
            {
                _dropped++;
            }
        }
    }

    public override void Write(string? value)
    {
        if (value is null)
        {
            return;
        }

        lock (_gate)
        {
            var room = Math.Max(0, Capacity - _text.Length);
            _text.Append(value, 0, Math.Min(room, value.Length));
            _dropped += Math.Max(0, value.Length - room);
        }
    }

    public override string ToString()
    {
        lock (_gate)
        {
            return _dropped == 0 ? _text.ToString() : $"{_text}\n[... {_dropped} more characters not kept]";
        }
    }

    /// <summary>The complete lines written so far, without the truncation note.</summary>
    public IReadOnlyList<string> Lines()
    {
        lock (_gate)
        {
            return _text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.TrimEnd('\r'))
                .ToList();
        }
    }
}
