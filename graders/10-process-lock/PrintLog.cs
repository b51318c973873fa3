namespace Katas.Graders.ProcessLock;

/// <summary>
/// The shared log the child processes wrote, read in file order. Every line is appended whole, under a short
/// file lock, so the order of lines is the order in which the processes did things: no clocks need to agree.
/// </summary>
internal sealed class PrintLog
{
    private readonly List<LogLine> _lines;

    private PrintLog(List<LogLine> lines) => _lines = lines;

    public static PrintLog Read(string file) => new(File.Exists(file)
        ? [.. ReadLines(file).Select(LogLine.Parse).OfType<LogLine>()]
        : []);

    /// <summary>A child appends under an exclusive file lock (see SlowPrinter.Append): wait for it to let go.</summary>
    private static string[] ReadLines(string file)
    {
        var giveUp = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                return File.ReadAllLines(file);
            }
            catch (IOException) when (DateTime.UtcNow < giveUp)
            {
                Thread.Sleep(1);
            }
        }
    }

    public bool Started(string item) => _lines.Any(line => line.Kind == "started" && line.Item == item);

    public bool Began(string item) => _lines.Any(line => line.Kind == "begin" && line.Item == item);

    /// <summary>The items whose child wrote its "started" line.</summary>
    public IReadOnlyList<string> StartedItems() => _lines.Where(line => line.Kind == "started").Select(line => line.Item).Distinct().ToList();

    /// <summary>The items that began printing.</summary>
    public IReadOnlyList<string> BeganItems() => _lines.Where(line => line.Kind == "begin").Select(line => line.Item).Distinct().ToList();

    /// <summary>The process that started for <paramref name="item"/> (its "started" line), or null.</summary>
    public int? ProcessOf(string item) => _lines.FirstOrDefault(line => line.Kind == "started" && line.Item == item)?.ProcessId;

    /// <summary>The item was printed whole: begin, five pieces, end.</summary>
    public bool PrintedWhole(string item) =>
        _lines.Count(line => line.Item == item && line.Kind is "begin" or "piece" or "end") == 7 &&
        _lines.Any(line => line.Kind == "end" && line.Item == item);

    /// <summary>The first line of another process between a process's begin and end: "who printed during whose print".</summary>
    public (LogLine Printing, LogLine Intruder)? FirstOverlap()
    {
        LogLine? printing = null;
        foreach (var line in _lines.Where(line => line.Kind is "begin" or "piece" or "end"))
        {
            if (printing is not null && line.ProcessId != printing.ProcessId)
            {
                return (printing, line);
            }

            printing = line.Kind == "end" ? null : printing ?? line;
        }

        return null;
    }

    /// <summary>How many children had started before the first print ended: 1 means they ran one after another.</summary>
    public int StartedBeforeFirstEnd() => _lines.TakeWhile(line => line.Kind != "end").Count(line => line.Kind == "started");

    public int Count => _lines.Count;
}

/// <summary>One line: "started|begin|end item pid ticks" or "piece n item pid".</summary>
internal sealed record LogLine(string Kind, string Item, int ProcessId)
{
    public static LogLine? Parse(string text)
    {
        var parts = text.Split(' ');
        return parts switch
        {
            ["piece", _, var item, var pid] when int.TryParse(pid, out var id) => new LogLine("piece", item, id),
            [var kind, var item, var pid, _] when int.TryParse(pid, out var id) => new LogLine(kind, item, id),
            _ => null,
        };
    }

    public override string ToString() => $"process {ProcessId} ({Item})";
}
