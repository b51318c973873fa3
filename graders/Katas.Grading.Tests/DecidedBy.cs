using Katas.Cli;

namespace Katas.Grading.Tests;

/// <summary>
/// How each check of a grader run was decided: by Coyote's systematic exploration, by the stress fallback on real
/// threads, or on real threads by design (speed, processes, plain calls). With KATAS_DECIDED_BY=&lt;file&gt; the suite
/// appends one tab-separated line per check (kata, version, check, outcome, how, seconds) for bench/decided-by.py, which
/// makes the table of bench/RESULTS.md ("Decided by Coyote or by stress runs") and, with --times, where the checks' time goes.
/// </summary>
internal static class DecidedBy
{
    private static readonly object s_gate = new();

    public static void Record(string kata, string version, IEnumerable<GraderTestResult> results)
    {
        if (Environment.GetEnvironmentVariable("KATAS_DECIDED_BY") is not { Length: > 0 } file)
        {
            return;
        }

        var lines = results.Select(r => string.Join('\t', kata, version, r.Name, r.Outcome, How(r.Message + "\n" + r.Output),
            r.Duration.TotalSeconds.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)) + "\n");
        lock (s_gate)
        {
            File.AppendAllText(file, string.Concat(lines));
        }
    }

    /// <summary>What ConcurrencyCheck printed says how it decided (the stress fallback names itself first).</summary>
    internal static string How(string said) =>
        said.Contains("stress run", StringComparison.OrdinalIgnoreCase) ? "stress"
        : said.Contains("Coyote explored", StringComparison.Ordinal) || said.Contains("Coyote found", StringComparison.Ordinal) ? "coyote"
        : "real threads";
}
