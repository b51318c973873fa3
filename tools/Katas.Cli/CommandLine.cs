namespace Katas.Cli;

/// <summary>A command's words after its name: positional arguments, <c>--option value</c> pairs and <c>--flag</c>s.</summary>
public sealed class CommandLine
{
    private readonly List<string> _positional = [];
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);

    /// <param name="flags">Options that take no value.</param>
    public CommandLine(IEnumerable<string> words, params string[] flags)
    {
        using var word = words.GetEnumerator();
        while (word.MoveNext())
        {
            if (!word.Current.StartsWith("--", StringComparison.Ordinal))
            {
                _positional.Add(word.Current);
                continue;
            }

            var name = word.Current[2..];
            if (flags.Contains(name))
            {
                _options[name] = null;
            }
            else if (word.MoveNext())
            {
                _options[name] = word.Current;
            }
            else
            {
                throw new UsageException($"--{name} needs a value.");
            }
        }
    }

    public string Positional(int index, string what) =>
        index < _positional.Count ? _positional[index] : throw new UsageException($"Missing {what}.");

    public string? OptionalPositional(int index) => index < _positional.Count ? _positional[index] : null;

    public string? Option(string name) => _options.GetValueOrDefault(name);

    public bool Flag(string name) => _options.ContainsKey(name);
}
