using System.Security.Cryptography;
using Katas.Cli;

namespace Katas.Grading.Tests;

/// <summary>
/// The fast path of `katas grade` and of this suite's fixtures (tools/Katas.Cli/KataFastBuild.cs) compiles only a kata's
/// assembly. It must leave exactly what `dotnet build` leaves — every file of the grader's output, rewritten and
/// unrewritten — and hand every case it cannot build the same way to MSBuild.
/// </summary>
public sealed class KataFastBuildTests
{
    private static readonly Kata s_kata = new("04-locked-counter");

    [Test]
    public void A_fast_build_leaves_the_bytes_a_full_build_leaves_and_declines_what_only_msbuild_can_build()
    {
        BuildSlots.Run(slot =>
        {
            var root = Path.Combine(slot, "fast-build-code");
            var kataDir = Path.Combine(root, s_kata.Name);
            var outDir = GraderRun.GraderOutDir(s_kata.GraderProject, slot);

            Place(root, Repository.Solutions);
            FullBuild(root, slot, outDir);
            var full = Outputs(outDir);

            // Another student's code (the stub) fully built in between, then the reference again, fast.
            Place(root, Repository.Exercises);
            FullBuild(root, slot, outDir);
            Place(root, Repository.Solutions);
            var fast = KataFastBuild.TryBuild(outDir, kataDir, TimeSpan.FromMinutes(5));
            fast.Declined.Should().BeNull();
            fast.Build!.ExitCode.Should().Be(0);
            Outputs(outDir).Should().Equal(full, "a fast build of the reference leaves the bytes its full build left");

            // A public member more: the grader was compiled against another surface and must be compiled again.
            File.AppendAllText(Path.Combine(kataDir, "SharedCounter.cs"), "\npublic static class Extra { public static int Member() => 1; }\n");
            KataFastBuild.TryBuild(outDir, kataDir, TimeSpan.FromMinutes(5)).Declined.Should().Contain("public types or members");
            File.Exists(Path.Combine(outDir, KataFastBuild.BuildRecord)).Should().BeFalse("a declined build leaves no record of outputs it changed");
            KataFastBuild.TryBuild(outDir, kataDir, TimeSpan.FromMinutes(5)).Declined.Should().Contain("no earlier build");

            // A compile error is MSBuild's to report.
            Place(root, Repository.Solutions);
            FullBuild(root, slot, outDir);
            File.AppendAllText(Path.Combine(kataDir, "SharedCounter.cs"), "\nthis is not C#\n");
            KataFastBuild.TryBuild(outDir, kataDir, TimeSpan.FromMinutes(5)).Declined.Should().Contain("does not compile");

            // Another folder: its path is compiled into the assembly (KataDir), so it needs the full build.
            Place(root, Repository.Solutions);
            FullBuild(root, slot, outDir);
            var elsewhere = Path.Combine(slot, "fast-build-elsewhere");
            Place(elsewhere, Repository.Solutions);
            KataFastBuild.TryBuild(outDir, Path.Combine(elsewhere, s_kata.Name), TimeSpan.FromMinutes(5)).Declined.Should().Contain("another folder");
            Directory.Delete(elsewhere, recursive: true);
            Directory.Delete(root, recursive: true);
            return 0;
        });
    }

    /// <summary>The kata's files of <paramref name="from"/> (solutions/ or exercises/), fresh, in <paramref name="root"/>.</summary>
    private static void Place(string root, string from)
    {
        var target = Path.Combine(root, s_kata.Name);
        if (Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
        }

        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(Path.Combine(from, s_kata.Name), "*.cs"))
        {
            var copy = Path.Combine(target, Path.GetFileName(file));
            File.Copy(file, copy);
            File.SetLastWriteTimeUtc(copy, DateTime.UtcNow);
        }
    }

    private static void FullBuild(string root, string slot, string outDir)
    {
        KataFastBuild.Forget(outDir);
        var build = DotnetCommand.Run(
            ["build", s_kata.GraderProject, "--no-restore", $"-p:KataSource={root}/", "--artifacts-path", slot, "-nologo", "-v:q"],
            Repository.Root, TimeSpan.FromMinutes(5));
        build.ExitCode.Should().Be(0, "the full build must succeed:\n{0}", build.Output);
        File.Exists(Path.Combine(outDir, KataFastBuild.BuildRecord)).Should().BeTrue("a whole build records itself");
    }

    /// <summary>Every file of the grader's output folder (and unrewritten/) with its SHA-256, but the build's record.</summary>
    private static List<string> Outputs(string outDir) =>
        [.. Directory.GetFiles(outDir, "*", SearchOption.AllDirectories)
            .Where(file => Path.GetFileName(file) != KataFastBuild.BuildRecord)
            .Order(StringComparer.Ordinal)
            .Select(file => $"{Path.GetRelativePath(outDir, file)} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)))}")];
}
