using System.Text;
using System.Text.RegularExpressions;

namespace Katas.Graders.MultiThreadLoader;

/// <summary>A line a loader wrote, and the state of its file at that very moment.</summary>
/// <param name="FileProblem">What was wrong with the file when the line was written (null: complete and exact).</param>
internal sealed record Announcement(string Line, string Name, string Url, bool Finished, string? FileProblem);

/// <summary>
/// The writer the loaders report to. When a line "&lt;name&gt; has finished downloading &lt;url&gt;" is written, it
/// reads the file of that URL right away: a message that comes before the file is complete and closed is caught in
/// the act. Thread-safe; keeps a bounded number of lines.
/// </summary>
internal sealed partial class AnnouncementWriter(string folder) : LineWriter
{
    private const int MaxLines = 1000;

    private readonly object _gate = new();
    private readonly StringBuilder _partial = new();
    private readonly List<Announcement> _lines = [];
    private readonly Dictionary<string, ServedDocument> _documents = new(StringComparer.Ordinal);

    public void Expect(string url, ServedDocument document)
    {
        lock (_gate)
        {
            _documents[url] = document;
        }
    }

    public IReadOnlyList<Announcement> Lines
    {
        get
        {
            lock (_gate)
            {
                return _lines.ToList();
            }
        }
    }

    public override string ToString()
    {
        lock (_gate)
        {
            return _lines.Count == 0 ? "(nothing)" : string.Join("\n", _lines.Select(l => l.Line));
        }
    }

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
                if (c == '\n')
                {
                    Complete(_partial.ToString().TrimEnd('\r'));
                    _partial.Clear();
                }
                else if (_partial.Length < 4096)
                {
                    _partial.Append(c);
                }
            }
        }
    }

    [GeneratedRegex("^(?<name>.+?) has finished downloading (?<url>\\S+)$")]
    private static partial Regex FinishedLine();

    // Called under _gate, on the loader's thread, while the loader waits in WriteLine.
    private void Complete(string line)
    {
        if (_lines.Count >= MaxLines)
        {
            return;
        }

        var finished = FinishedLine().Match(line);
        if (finished.Success)
        {
            var url = finished.Groups["url"].Value;
            var problem = _documents.TryGetValue(url, out var document) ? Scene.Problem(folder, document) : null;
            _lines.Add(new Announcement(line, finished.Groups["name"].Value, url, Finished: true, problem));
            return;
        }

        _lines.Add(new Announcement(line, "", "", Finished: false, null));
    }
}
