using System.Diagnostics;
using System.Text.Json;

namespace Katas.Grading.Tests;

/// <summary>
/// A known-right or known-wrong version of a kata's code, on top of the reference solution: a *.cs file
/// replaces the solution's file of that name; a *.patch (unified diff, `diff -u`) changes it, which keeps a
/// one-line mistake a one-line diff. Its expect.json says which grader tests must fail (and with what
/// words in the message), and what notes passing tests must print.
/// </summary>
public sealed record Fixture(Kata Kata, string Kind, string Folder)
{
    public string Name => Path.GetFileName(Folder);

    public FixtureExpectation Expectation { get; } = FixtureExpectation.Read(Path.Combine(Folder, "expect.json"));

    /// <summary>Lays the fixture out like exercises/ (solution files, then the fixture's over them) under <paramref name="root"/>.</summary>
    public string MaterializeUnder(string root)
    {
        var kataDir = Directory.CreateDirectory(Path.Combine(root, Kata.Name)).FullName;
        foreach (var file in Directory.GetFiles(Path.Combine(Repository.Solutions, Kata.Name), "*.cs"))
        {
            File.Copy(file, Path.Combine(kataDir, Path.GetFileName(file)), overwrite: true);
        }

        foreach (var file in Directory.GetFiles(Folder, "*.cs"))
        {
            File.Copy(file, Path.Combine(kataDir, Path.GetFileName(file)), overwrite: true);
        }

        foreach (var patch in Directory.GetFiles(Folder, "*.patch"))
        {
            Apply(patch, kataDir);
        }

        // A copy keeps its source's time stamp: in a folder that held the previous fixture, MSBuild would call the
        // build up to date (the grading workspace's copy does the same, tools/Katas.Cli/Submission.cs).
        foreach (var file in Directory.GetFiles(kataDir))
        {
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow);
        }

        return root;
    }

    public override string ToString() => $"{Kata.Name}/{Kind}/{Name}";

    // `git apply` works outside a repository too, and git is wherever this repository was cloned.
    private static void Apply(string patch, string directory)
    {
        var start = new ProcessStartInfo("git", ["apply", "--whitespace=nowarn", patch])
        {
            WorkingDirectory = directory,
            RedirectStandardError = true,
        };
        using var git = Process.Start(start)!;
        var error = git.StandardError.ReadToEnd();
        git.WaitForExit();
        git.ExitCode.Should().Be(0, "{0} must apply to the reference solution (did the solution change?): {1}", patch, error);
    }
}

public sealed record FixtureExpectation
{
    /// <summary>Grader test name -> words its failure message must contain.</summary>
    public Dictionary<string, string> Failing { get; init; } = [];

    /// <summary>Grader test name -> words its output must contain (for tests that pass with a note).</summary>
    public Dictionary<string, string> Notes { get; init; } = [];

    private static readonly JsonSerializerOptions s_json = new() { PropertyNameCaseInsensitive = true };

    public static FixtureExpectation Read(string path) =>
        File.Exists(path)
            ? JsonSerializer.Deserialize<FixtureExpectation>(File.ReadAllText(path), s_json) ?? new FixtureExpectation()
            : new FixtureExpectation();
}
