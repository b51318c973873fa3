using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Katas.Graders.ConcurrentSleepers;

/// <summary>A line SlowPrint printed, read back: "Вызов 3 в 2018-11-13 11:20:49.195674" or "Конец 3 в ...".</summary>
/// <param name="Arrived">When the grader's writer received it, on the grader's own clock.</param>
internal sealed partial record PrintedLine(string Text, TimeSpan Arrived)
{
    public const string StartWord = "Вызов";
    public const string EndWord = "Конец";
    public const string TimeFormat = "yyyy-MM-dd HH:mm:ss.ffffff";

    /// <summary>The lesson's format, word for word: the Russian word, the call's number, "в", Python's datetime.now().</summary>
    [GeneratedRegex(@"^(Вызов|Конец) (-?\d+) в (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6})$")]
    private static partial Regex Format();

    public bool IsWellFormed => Format().IsMatch(Text);

    public bool IsStart => IsWellFormed && Format().Match(Text).Groups[1].Value == StartWord;

    public bool IsEnd => IsWellFormed && Format().Match(Text).Groups[1].Value == EndWord;

    public int Call => int.Parse(Format().Match(Text).Groups[2].Value, CultureInfo.InvariantCulture);

    /// <summary>The time the line itself says.</summary>
    public DateTime PrintedTime =>
        DateTime.ParseExact(Format().Match(Text).Groups[3].Value, TimeFormat, CultureInfo.InvariantCulture);

    public static string Show(IEnumerable<PrintedLine> lines)
    {
        var text = string.Join("\n", lines.Select(line => $"    {line.Text}"));
        return text.Length == 0 ? "    (nothing)" : text;
    }
}

/// <summary>
/// The writer handed to SlowPrinter: thread-safe (a lock, which Coyote controls), capped, and it notes when each
/// line arrived, so the grader judges the order and the sleeps on its own clock.
/// </summary>
internal sealed class TimedWriter : TextWriter
{
    private const int MaxLines = 1000;
    private readonly object _gate = new();
    private readonly StringBuilder _pending = new();
    private readonly List<PrintedLine> _lines = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public override Encoding Encoding => Encoding.UTF8;

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

    // One call, one lock: a line written by WriteLine is never split by another thread's line, as with Console.Out
    // (whose WriteLine is synchronized too). TextWriter's own WriteLine writes the text and the newline separately.
    public override void WriteLine(string? value) => Write(value + new string(CoreNewLine));

    public override void Write(char value) => Write(value.ToString());

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void Write(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        lock (_gate)
        {
            foreach (var c in value)
            {
                if (c != '\n')
                {
                    _pending.Append(c);
                }
                else
                {
                    if (_lines.Count < MaxLines)
                    {
                        _lines.Add(new PrintedLine(_pending.ToString().TrimEnd('\r'), _clock.Elapsed));
                    }

                    _pending.Clear();
                }
            }
        }
    }
}
