using System.Runtime.CompilerServices;

namespace Katas.LockedCounter;

// Bad input for batch grading (SandboxTests): as soon as the graded assembly loads, it reads files by absolute path
// outside its workspace: a key in the teacher's home, the teacher's repository (its solutions), another student's
// submission. @@...@@ are filled in by the test with the real paths. Whatever it reads fails every check with it.
internal static class Probe
{
    [ModuleInitializer]
    internal static void Run()
    {
        var found = new List<string>();
        foreach (var path in new[] { "@@HOME@@/.ssh/id_ed25519", "@@TEACHER@@/solutions/04-locked-counter/SharedCounter.cs", "@@OTHER@@" })
        {
            try
            {
                var text = File.ReadAllText(path);
                found.Add($"READ {path}: {text[..Math.Min(80, text.Length)]}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }

        if (found.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" | ", found));
        }
    }
}
