using System.Text;

namespace Katas.Cli;

/// <summary>
/// Text from an untrusted source, kept to a bounded size: the first and the last <c>half</c> characters
/// survive, the middle is counted and left out. A submission that prints 50 MB costs the report a few kilobytes,
/// and both the start (what the build or the first test said) and the end (why it stopped) stay readable.
/// Thread-safe: a process's standard output and error arrive on two threads.
/// </summary>
public sealed class CappedText(int capacity)
{
    private readonly object _gate = new();
    private readonly StringBuilder _head = new();
    private readonly Queue<string> _tail = new();
    private int _tailLength;
    private bool _headIsFull;
    private long _droppedCharacters;

    public void AppendLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            // A single huge line must not blow the budget either.
            if (line.Length > capacity / 2)
            {
                _droppedCharacters += line.Length - (capacity / 2);
                line = line[..(capacity / 2)];
            }

            // Once a line has gone to the tail, a later short one must not jump ahead of it into the head.
            _headIsFull |= _head.Length + line.Length + 1 > capacity / 2;
            if (!_headIsFull)
            {
                _head.Append(line).Append('\n');
                return;
            }

            _tail.Enqueue(line);
            _tailLength += line.Length + 1;
            while (_tailLength > capacity / 2 && _tail.Count > 0)
            {
                var dropped = _tail.Dequeue();
                _tailLength -= dropped.Length + 1;
                _droppedCharacters += dropped.Length + 1;
            }
        }
    }

    public override string ToString()
    {
        lock (_gate)
        {
            var text = new StringBuilder(_head.ToString());
            if (_droppedCharacters > 0)
            {
                text.Append($"[... {_droppedCharacters:N0} characters of output left out ...]\n");
            }

            foreach (var line in _tail)
            {
                text.Append(line).Append('\n');
            }

            return text.ToString();
        }
    }

    /// <summary>At most <paramref name="length"/> characters of <paramref name="text"/>, marked where it was cut.</summary>
    public static string Truncate(string text, int length) =>
        text.Length <= length ? text : text[..length] + $"\n[... {text.Length - length:N0} more characters left out ...]";
}
