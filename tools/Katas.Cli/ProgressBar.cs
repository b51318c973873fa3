namespace Katas.Cli;

/// <summary>
/// A progress bar redrawn in place on a terminal; a line per finished run when the output goes to a file or a CI
/// log (where carriage returns would pile up).
/// </summary>
public sealed class ProgressBar(TextWriter output, bool redirected)
{
    private const int Width = 30;
    private readonly object _gate = new();
    private readonly DateTime _start = DateTime.UtcNow;

    public void Show(BatchProgress progress)
    {
        lock (_gate)
        {
            var elapsed = DateTime.UtcNow - _start;
            var latest = $"{progress.Student} {progress.Latest.Kata}: {progress.Latest.StateLabel}";
            if (redirected)
            {
                output.WriteLine($"[{progress.Done}/{progress.Total}] {elapsed:mm\\:ss} {latest}");
                return;
            }

            var filled = Width * progress.Done / progress.Total;
            var bar = new string('#', filled) + new string('.', Width - filled);
            output.Write($"\r[{bar}] {progress.Done}/{progress.Total} {elapsed:mm\\:ss}  {latest}".PadRight(110)[..110]);
        }
    }

    public void Finish()
    {
        if (!redirected)
        {
            output.WriteLine();
        }
    }
}
