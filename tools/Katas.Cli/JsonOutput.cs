using System.Text.Encodings.Web;
using System.Text.Json;

namespace Katas.Cli;

/// <summary>How every JSON file this tool writes looks: indented, quotes and apostrophes left readable.</summary>
public static class JsonOutput
{
    public static JsonSerializerOptions Options { get; } = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
