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

    /// <summary>
    /// Appends one line. Every process has the log open now and then, and appending is not atomic between
    /// processes in .NET on Linux (measured: 4 processes appending 2,000 lines each lost lines), so each append
    /// takes the file for itself (FileShare.None, an exclusive file lock) and retries while another process has it.
    /// This keeps single lines whole; it does not keep a whole print together: that is the printer lock's job.
    /// </summary>
    public static void Append(string logFile, string line)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(line + "\n");
        var giveUp = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                using var log = new FileStream(logFile, FileMode.Append, FileAccess.Write, FileShare.None);
                log.Write(bytes);
                return;
            }
            catch (IOException) when (DateTime.UtcNow < giveUp)
            {
                Thread.Sleep(1);
            }
        }
    }
}
