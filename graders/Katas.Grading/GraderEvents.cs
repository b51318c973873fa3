namespace Katas.Grading;

// The runtime's ManualResetEventSlim and CountdownEvent under names of their own, for grader code. Every kata's graded
// assembly carries public controlled twins of both (Twins/, compiled in by Kata.Code.targets), so in a grader, which
// references that assembly and the runtime, the plain names are ambiguous (error CS0433). The twins are public because a
// student may expose such a field or parameter publicly; an internal twin would then be a compile error ("inconsistent
// accessibility") in code the runtime's type compiles.

/// <summary>The runtime's ManualResetEventSlim, for the grader's own threads (see the comment at the top of the file).</summary>
public sealed class GraderEvent(bool initialState = false) : ManualResetEventSlim(initialState);

/// <summary>The runtime's CountdownEvent, for the grader's own threads (see the comment at the top of the file).</summary>
public sealed class GraderCountdown(int initialCount) : CountdownEvent(initialCount);
