using System.Text;

namespace Katas.Grading;

/// <summary>
/// A thread-safe writer that keeps at most <see cref="Capacity"/> characters, so that a submission
/// printing megabytes cannot flood the grader's report. Graders hand it to the code under test.
/// </summary>
public sealed class CappedWriter(int capacity = 64 * 1024) : TextWriter
{
    private readonly object _gate = new();
    private readonly StringBuilder _text = new();
    private long _dropped;

    public int Capacity { get; } = capacity;

    public override Encoding Encoding => Encoding.UTF8;

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

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    /// <summary>
    /// The line and its end in one step, as Console.Out does: TextWriter's own WriteLine writes them in two, so
    /// two threads printing lines at once would get "line 1line 2" and two empty lines.
    /// </summary>
    public override void WriteLine(string? value) => Write(value + NewLine);

    // TextWriter's other WriteLine overloads write the value and then the line's end in two calls (measured on .NET 10:
    // every overload but string and object does); these keep a printed value and its line together, as Console.Out does.
    public override void WriteLine(int value) => WriteLine(value.ToString(FormatProvider));

    public override void WriteLine(uint value) => WriteLine(value.ToString(FormatProvider));

    public override void WriteLine(long value) => WriteLine(value.ToString(FormatProvider));

    public override void WriteLine(ulong value) => WriteLine(value.ToString(FormatProvider));

    public override void WriteLine(float value) => WriteLine(value.ToString(FormatProvider));

    public override void WriteLine(double value) => WriteLine(value.ToString(FormatProvider));

    public override void WriteLine(decimal value) => WriteLine(value.ToString(FormatProvider));

    public override void WriteLine(bool value) => WriteLine(value.ToString());

    public override void WriteLine(char value) => WriteLine(value.ToString());

    public override void WriteLine(char[]? buffer) => WriteLine(new string(buffer));

    public override void WriteLine(char[] buffer, int index, int count) => WriteLine(new string(buffer, index, count));

    public override void WriteLine(ReadOnlySpan<char> buffer) => WriteLine(new string(buffer));

    public override void WriteLine(StringBuilder? value) => WriteLine(value?.ToString());

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
