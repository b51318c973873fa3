using System.Runtime.CompilerServices;

namespace Katas.LockedCounter;

// Bad input for batch grading (SandboxTests): as soon as the graded assembly loads, it tries to write outside its
// workspace: into a folder of the teacher's (@@OUTSIDE@@, filled in by the test) and the one above it. It swallows every
// failure, so its checks pass: what counts is that nothing was written.
internal static class Probe
{
    [ModuleInitializer]
    internal static void Run()
    {
        foreach (var path in new[] { "@@OUTSIDE@@/written-by-a-submission.txt", "@@OUTSIDE@@/../written-by-a-submission.txt" })
        {
            try
            {
                File.WriteAllText(path, "a submission was here");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }
}
