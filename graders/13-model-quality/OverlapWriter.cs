using System.Diagnostics;
using System.Text;

namespace Katas.Graders.ModelQuality;

/// <summary>
/// A writer that is not thread-safe, like most writers, and says so: it notes when a second thread enters it while
/// another is still inside. Its first write stays inside for up to <see cref="Window"/> (or until a second thread
/// enters), so that two models that print at about the same moment really meet in it when nothing keeps them apart.
/// Behind a lock (TextWriter.Synchronized, a lock of your own) the second thread waits outside and nothing is noted;
/// written from one thread only, nothing is noted either. What was written is kept whole for the grader's checks.
/// </summary>
internal sealed class OverlapWriter : TextWriter
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(3);

    private readonly CappedWriter _text = new();
    private readonly object _gate = new();
    private readonly List<int> _threadsInside = [];
    private int _owner;
    private int _firstWriteDone;
    private volatile bool _overlapped;
    private string? _overlap;

    public override Encoding Encoding => Encoding.UTF8;

    /// <summary>Null, or which threads were inside at once (their managed thread ids).</summary>
    public string? Overlap
    {
        get
        {
            lock (_gate)
            {
                return _overlap;
            }
        }
    }

    public IReadOnlyList<string> Lines() => _text.Lines();

    public CappedWriter Text => _text;

    public override void Write(char value) => Record(value.ToString());

    public override void Write(string? value) => Record(value ?? "");

    public override void Write(char[] buffer, int index, int count) => Record(new string(buffer, index, count));

    public override void Write(ReadOnlySpan<char> buffer) => Record(new string(buffer));

    public override void WriteLine() => Record(NewLine);

    public override void WriteLine(string? value) => Record(value + NewLine);

    public override void WriteLine(ReadOnlySpan<char> buffer) => Record(new string(buffer) + NewLine);

    public override void WriteLine(StringBuilder? value) => Record(value + NewLine);

    private void Record(string text)
    {
        var me = Environment.CurrentManagedThreadId;
        var inside = Interlocked.CompareExchange(ref _owner, me, 0);
        if (inside == me)
        {
            // A write inside this thread's own write (a base TextWriter method calling another): not an overlap.
            _text.Write(text);
            return;
        }

        if (inside != 0)
        {
            lock (_gate)
            {
                _overlap ??= $"thread {me} began writing while thread {inside} was still writing";
            }

            _overlapped = true;
            _text.Write(text);
            return;
        }

        try
        {
            _text.Write(text);
            if (Interlocked.Exchange(ref _firstWriteDone, 1) == 0)
            {
                var waiting = Stopwatch.StartNew();
                while (!_overlapped && waiting.Elapsed < Window)
                {
                    Thread.Sleep(1);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _owner, 0);
        }
    }
}
