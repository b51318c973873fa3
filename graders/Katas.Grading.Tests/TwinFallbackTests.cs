namespace Katas.Grading.Tests;

/// <summary>
/// The build's fallback (graders/Kata.Code.targets): code that compiles against the runtime's types but not against the
/// controlled twins is compiled without the twins and graded as written, and the student is told which error forced it.
/// The twins have every member of their runtime types (the Twin*Tests), so this test makes the gap itself: a Lock twin
/// without IsHeldByCurrentThread, as a twin would be when a newer runtime adds a member.
/// </summary>
public sealed class TwinFallbackTests
{
    private const string Kata = "04-locked-counter";
    private const string Check = "Operations_on_two_threads_never_race";

    private const string LockWithoutIsHeld = """
        namespace System.Threading;

        // The suite's Lock twin with a member missing (IsHeldByCurrentThread): see TwinFallbackTests.
        public sealed class Lock
        {
            private readonly object _gate = new();

            public void Enter() => Monitor.Enter(_gate);

            public void Exit() => Monitor.Exit(_gate);

            public Scope EnterScope()
            {
                Monitor.Enter(_gate);
                return new Scope(this);
            }

            public ref struct Scope(Lock owner)
            {
                public void Dispose() => owner.Exit();
            }
        }
        """;

    [Test]
    public void Code_that_does_not_compile_with_a_twin_is_graded_without_the_twins_and_told_which_member()
    {
        var root = Directory.CreateTempSubdirectory("katas-twin-fallback-").FullName;
        try
        {
            var kata = Repository.Katas.Single(kata => kata.Name == Kata);
            // A right solution with C# 13's Lock that also calls Lock.IsHeldByCurrentThread.
            var code = kata.Fixtures("right").Single(fixture => fixture.Name == "system-threading-lock").MaterializeUnder(Path.Combine(root, "code"));
            var counter = Path.Combine(code, Kata, "SharedCounter.cs");
            File.WriteAllText(counter, File.ReadAllText(counter).Replace(
                "while (_x < FirstTarget)",
                "if (!_gate.IsHeldByCurrentThread) { throw new InvalidOperationException(\"The gate must be held.\"); }\n            while (_x < FirstTarget)",
                StringComparison.Ordinal));
            var twins = Directory.CreateDirectory(Path.Combine(root, "twins")).FullName;
            foreach (var twin in Directory.GetFiles(Path.Combine(Repository.Root, "graders", "Katas.Grading", "Twins"), "*.cs"))
            {
                File.Copy(twin, Path.Combine(twins, Path.GetFileName(twin)));
            }

            File.WriteAllText(Path.Combine(twins, "Lock.cs"), LockWithoutIsHeld);

            var fallback = BuildSlots.Run(slot => GraderRun.Start(kata.GraderProject, code, slot, [Check], [$"KataTwinsDir={twins}/"]));
            fallback.ExitCode.Should().Be(0, "right code must build and pass without the twins: {0}", fallback.Console);
            fallback.Failed.Should().BeEmpty();
            fallback.Console.Should().Contain("warning KATA0001").And.Contain("IsHeldByCurrentThread", "the build says which member forced it");
            fallback.Results.Single(r => r.Name == Check).Output.Should()
                .Contain("compiled without the grader's controlled twins")
                .And.Contain("'Lock' does not contain a definition for 'IsHeldByCurrentThread'")
                .And.Contain("stress runs on real threads", "without the twin, the runtime's Lock is graded on real threads");

            // The same code with the complete twins: no fallback, Coyote explores it.
            var twinned = BuildSlots.Run(slot => GraderRun.Start(kata.GraderProject, code, slot, [Check]));
            twinned.ExitCode.Should().Be(0, "right code must pass: {0}", twinned.Console);
            twinned.Console.Should().NotContain("KATA0001");
            twinned.Results.Single(r => r.Name == Check).Output.Should()
                .Contain("Coyote explored").And.NotContain("without the grader's controlled twins");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
