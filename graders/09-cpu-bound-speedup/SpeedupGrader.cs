using System.Diagnostics;
using Katas.CpuBoundSpeedup;

namespace Katas.Graders.CpuBoundSpeedup;

/// <summary>
/// Two copies of CPU-bound work on two cores: the lesson's point, measured. Each check times your runner
/// against Sequentially and, right next to it, the grader's own plain version against the same baseline: that
/// is what this machine can give right now. Judged by ratios; a machine that cannot show a speed-up (one core,
/// or too busy) makes the check inconclusive, never failed.
/// </summary>
public sealed class SpeedupGrader
{
    private const int Attempts = 3;
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(60);

    [Test, OnRealThreads]
    public void Two_threads_count_faster_than_one_after_another()
    {
        var n = CountSize.Lasting(TimeSpan.FromMilliseconds(300));
        SpeedupJudge.Judge(
            new SpeedupRule(Ideal: 1.6, Floor: 1.3, MachineMinimum: 1.6),
            $"2 x Count({n:N0})",
            () => CountTwice(n),
            ("the grader's own two threads", () => CountOnTwoThreads(n)),
            ("your OnThreads", () => CountRunner.OnThreads(_ => Countdown.Count(n), 2)),
            advice: "Two threads doing CPU work run on two cores at once in .NET: there is no GIL. Start both threads before " +
                    "joining either, and share nothing between them (no lock around the job).",
            readNext: ResultsGrader.ReadNext, attempts: Attempts, limit: s_limit);
    }

    [Test, OnRealThreads]
    public void Two_processes_count_faster_than_one_after_another()
    {
        // Longer work than for threads: each child first spends tens of milliseconds starting the .NET runtime.
        var n = CountSize.Lasting(TimeSpan.FromMilliseconds(700));
        SpeedupJudge.Judge(
            new SpeedupRule(Ideal: 1.6, Floor: 1.25, MachineMinimum: 1.4),
            $"2 x Count({n:N0})",
            () => CountTwice(n),
            ("the grader's own two child processes", () => CountInTwoProcesses(n)),
            ("your InProcesses", () => CountRunner.InProcesses(n, 2)),
            advice: "Start both child processes before waiting for either; read each one's output after all have started.",
            readNext: ResultsGrader.ReadNext, attempts: Attempts, limit: s_limit);
    }

    private static void CountTwice(long n)
    {
        GC.KeepAlive(Countdown.Count(n));
        GC.KeepAlive(Countdown.Count(n));
    }

    private static void CountOnTwoThreads(long n)
    {
        // GraderThreads start together (a start gate) and would report a thread that failed; Bounded.Run times the whole.
        var finished = GraderThreads.Run(s_limit, () => GC.KeepAlive(Countdown.Count(n)), () => GC.KeepAlive(Countdown.Count(n)));
        Invariant.Holds(finished, $"Grader problem, not yours: the grader's own two threads did not count to {n:N0} within {s_limit.TotalSeconds:0} s.");
    }

    private static void CountInTwoProcesses(long n)
    {
        var children = Enumerable.Range(0, 2)
            .Select(_ => Process.Start(new ProcessStartInfo(Program.DotnetHost)
            {
                ArgumentList = { Program.ProgramFile, "count", n.ToString() },
                RedirectStandardOutput = true,
            })!)
            .ToList();
        foreach (var child in children)
        {
            child.StandardOutput.ReadToEnd();
            child.WaitForExit();
            child.Dispose();
        }
    }
}
