using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Katas.Graders.ConcurrentSleepers;

/// <summary>A line SlowPrint printed, read back: "Вызов 3 в 2018-11-13 11:20:49.195674" or "Конец 3 в ...".</summary>
/// <param name="Arrived">When the grader's writer received it, on the grader's own clock.</param>
/// <param name="ThreadId">The managed id of the thread that wrote the line.</param>
/// <param name="OnPoolThread">Whether that thread was a thread-pool thread (Task.Run, Parallel.For) rather than a thread of its own.</param>
/// <param name="Writer">The thread itself: two threads never share it, even when a new thread reuses a finished one's id.</param>
internal sealed record PrintedLine(string Text, TimeSpan Arrived, int ThreadId = 0, bool OnPoolThread = false, Thread? Writer = null)
{
    public const string StartWord = "Вызов";
    public const string EndWord = "Конец";
    public const string TimeFormat = "yyyy-MM-dd HH:mm:ss.ffffff";

    // Read once, with the runtime's own string methods and no Regex: the grader's code is rewritten for Coyote, where
    // every field access is a scheduling point, and a generated regex matched over and over made one schedule
    // thousands of steps long.
    private readonly (string Word, int Call, DateTime Time)? _parts = Parse(Text);

    /// <summary>The lesson's format, word for word: the Russian word, the call's number, "в", Python's datetime.now().</summary>
    public bool IsWellFormed => _parts is not null;

    public bool IsStart => _parts?.Word == StartWord;

    public bool IsEnd => _parts?.Word == EndWord;

    public int Call => _parts?.Call ?? -1;

    /// <summary>The time the line itself says.</summary>
    public DateTime PrintedTime => _parts?.Time ?? default;

    public static string Show(IEnumerable<PrintedLine> lines)
    {
        var text = string.Join("\n", lines.Select(line => $"    {line.Text}"));
        return text.Length == 0 ? "    (nothing)" : text;
    }

    private static (string Word, int Call, DateTime Time)? Parse(string text)
    {
        var parts = text.Split(' ');
        return parts.Length == 5 && parts[0] is StartWord or EndWord && parts[2] == "в"
               && int.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var call)
               && parts[4].Length == 15
               && DateTime.TryParseExact($"{parts[3]} {parts[4]}", TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? (parts[0], call, time)
            : null;
    }
}

/// <summary>
/// The writer handed to SlowPrinter: thread-safe (a lock, which Coyote controls), capped, and it notes when each
/// line arrived, so the grader judges the order and the sleeps on its own clock.
/// </summary>
internal sealed class TimedWriter : LineWriter
{
    private const int MaxLines = 1000;
    private readonly object _gate = new();
    private readonly StringBuilder _pending = new();
    private readonly List<PrintedLine> _lines = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>The grader's clock, started with the writer.</summary>
    public TimeSpan Now => _clock.Elapsed;

    public IReadOnlyList<PrintedLine> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    public override void Write(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        // Whole pieces, not char by char: under Coyote every access to a field is a scheduling point, and a
        // per-char loop made one call of RunOnThreads hundreds of steps long.
        lock (_gate)
        {
            var from = 0;
            for (var newline = value.IndexOf('\n', from); newline >= 0; newline = value.IndexOf('\n', from))
            {
                var line = _pending.Append(value, from, newline - from).ToString().TrimEnd('\r');
                if (_lines.Count < MaxLines)
                {
                    var writer = Thread.CurrentThread;
                    _lines.Add(new PrintedLine(line, _clock.Elapsed, Environment.CurrentManagedThreadId, writer.IsThreadPoolThread, writer));
                }

                _pending.Clear();
                from = newline + 1;
            }

            _pending.Append(value, from, value.Length - from);
        }
    }
}
