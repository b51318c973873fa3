using System.Runtime.CompilerServices;

namespace Katas.LockedCounter;

// Bad input for batch grading (SandboxTests): as soon as the graded assembly loads, it allocates memory and keeps it,
// 64 MiB at a time, every page touched, with no end.
internal static class Probe
{
    private static readonly List<byte[]> s_hoard = [];

    [ModuleInitializer]
    internal static void Run()
    {
        while (true)
        {
            var block = new byte[64 << 20];
            for (var i = 0; i < block.Length; i += 4096)
            {
                block[i] = 1;
            }

            s_hoard.Add(block);
        }
    }
}
