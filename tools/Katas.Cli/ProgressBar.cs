namespace Katas.Cli;

/// <summary>
/// A progress bar redrawn in place on a terminal: finished runs of all, checks finished so far, the elapsed time (redrawn
/// every second, so a long first build does not look like a hang) and the last check that finished, with its run. When
/// the output goes to a file or a CI log (where carriage returns would pile up): a line per finished run.
/// </summary>
public sealed class ProgressBar : IDisposable
{
    private const int Width = 30;
    private const int LineWidth = 120;
    private readonly object _gate = new();
    private readonly DateTime _start = DateTime.UtcNow;
    private readonly TextWriter _output;
    private readonly bool _redirected;
    private readonly Timer? _clock;
    private int _done;
    private int _total;
    private int _checks;
    private string _latest = "building...";

    public ProgressBar(TextWriter output, bool redirected)
    {
        (_output, _redirected) = (output, redirected);
        _clock = redirected ? null : new Timer(_ => Redraw(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <summary>A run finished.</summary>
    public void Show(BatchProgress progress)
    {
        lock (_gate)
        {
            (_done, _total) = (progress.Done, progress.Total);
            _latest = $"{progress.Student} {progress.Latest.Kata}: {progress.Latest.StateLabel}";
            if (_redirected)
            {
                _output.WriteLine($"[{progress.Done}/{progress.Total}] {Elapsed:mm\\:ss} {_latest}");
                return;
            }

            Draw();
        }
    }

    /// <summary>A check of a run in progress finished.</summary>
    public void Show(CheckProgress check)
    {
        lock (_gate)
        {
            _checks++;
            _latest = $"{check.Student} {check.Kata[..2]} {check.Check} {(check.Passed ? "passed" : "failed")}";
            if (!_redirected)
            {
                Draw();
            }
        }
    }

    public void Finish()
    {
        _clock?.Dispose();
        if (!_redirected)
        {
            lock (_gate)
            {
                Draw();
                _output.WriteLine();
            }
        }
    }

    public void Dispose() => _clock?.Dispose();

    private TimeSpan Elapsed => DateTime.UtcNow - _start;

    private void Redraw()
    {
        lock (_gate)
        {
            Draw();
        }
    }

    private void Draw()
    {
        var filled = _total == 0 ? 0 : Width * _done / _total;
        var bar = new string('#', filled) + new string('.', Width - filled);
        var runs = _total == 0 ? "" : $"{_done}/{_total} runs, ";
        _output.Write($"\r[{bar}] {runs}{_checks} checks {Elapsed:mm\\:ss}  {_latest}".PadRight(LineWidth)[..LineWidth]);
    }
}
