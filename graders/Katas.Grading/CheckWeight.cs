using NUnit.Framework;

namespace Katas.Grading;

/// <summary>
/// Marks a check that holds the concurrency property its kata exists to teach (no lost update in 04, no deadlock and no
/// money lost in 06, never more than the limit inside in 07, ...). A kata with a failing core check earns at most 40% of
/// its points, whatever else passes: code that does everything but the point of the kata has not mastered it. A core
/// check weighs 2 unless <see cref="WeightAttribute"/> says otherwise. The scoring rule: tools/Katas.Cli/Scoring.cs.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class CoreAttribute() : PropertyAttribute("Core", "true");

/// <summary>
/// How much a check counts in its kata's points, relative to the kata's other checks (1 when not given; 2 for a
/// <see cref="CoreAttribute"/> check). A kata's points are shared among its checks by weight.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class WeightAttribute(int weight) : PropertyAttribute("Weight", weight)
{
    public int Weight { get; } = weight > 0 ? weight : throw new ArgumentOutOfRangeException(nameof(weight), "A check's weight is at least 1.");
}
