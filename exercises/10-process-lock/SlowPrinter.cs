namespace Katas.ProcessLock;

/// <summary>
/// The lesson's <c>print(item)</c>, made slow and visible: it writes the item to a shared log in five pieces,
/// between a <c>begin</c> and an <c>end</c> line with the time. Two processes printing at once mix their pieces.
/// </summary>
public static class SlowPrinter
{
    /// <summary>The item that jams the printer: printing it throws halfway through.</summary>
    public const string JammingItem = "jam";

    public static void Print(string item, string logFile)
    {
        Append(logFile, $"begin {item} {Environment.ProcessId} {DateTime.UtcNow.Ticks}");
        for (var piece = 1; piece <= 5; piece++)
        {
            if (item == JammingItem && piece == 3)
            {
                throw new IOException($"The printer jammed while printing \"{item}\" (piece {piece} of 5).");
            }

            Append(logFile, $"piece {piece} {item} {Environment.ProcessId}");
            Thread.Sleep(40);
        }

        Append(logFile, $"end {item} {Environment.ProcessId} {DateTime.UtcNow.Ticks}");
    }

    /// <summary>One line per call, opened in append mode: lines of different processes never tear, only interleave.</summary>
    public static void Append(string logFile, string line) => File.AppendAllText(logFile, line + "\n");
}
