using System.Reflection;

namespace Katas.Grading;

/// <summary>What the build recorded about the graded code (graders/Kata.Code.targets).</summary>
public static class KataInfo
{
    /// <summary>Where the graded code came from.</summary>
    public static string FolderOf(Type kataType) => Metadata(kataType, "KataDir") ?? kataType.Assembly.Location;

    /// <summary>
    /// The compiler's errors that made the build compile the code without the controlled twins (it did not compile with
    /// them), or null when the twins are in.
    /// </summary>
    public static string? TwinsFallbackOf(Type kataType) => Metadata(kataType, "KataTwinsFallback");

    /// <summary>The fallback told in the student's terms, or null when the twins are in.</summary>
    public static string? ExplainTwinsFallback(Type kataType) => TwinsFallbackOf(kataType) is not { } errors
        ? null
        : "Note: your code was compiled without the grader's controlled twins of Lock, ManualResetEventSlim, CountdownEvent, " +
          "BlockingCollection and the other framework types Coyote cannot see, because with them it did not compile:\n" +
          string.Join('\n', errors.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(error => "  " + error.Trim())) +
          "\nThat is a gap in the grader, not a mistake of yours (please tell your teacher). Your code is graded as you wrote it.";

    private static string? Metadata(Type kataType, string key) =>
        kataType.Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value;
}
