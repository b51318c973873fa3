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

    [Test]
    public void Two_threads_count_faster_than_one_after_another()
    {
        var n = CountSize.Lasting(TimeSpan.FromMilliseconds(300));
        Judge(
            new SpeedupRule(Ideal: 1.6, Floor: 1.3, MachineMinimum: 1.6),
            $"2 x Count({n:N0})",
            () => CountTwice(n),
            ("the grader's own two threads", () => CountOnTwoThreads(n)),
            ("your OnThreads", () => CountRunner.OnThreads(_ => Countdown.Count(n), 2)),
            advice: "Two threads doing CPU work run on two cores at once in .NET: there is no GIL. Start both threads before " +
                    "joining either, and share nothing between them (no lock around the job).");
    }

    [Test]
    public void Two_processes_count_faster_than_one_after_another()
    {
        // Longer work than for threads: each child first spends tens of milliseconds starting the .NET runtime.
        var n = CountSize.Lasting(TimeSpan.FromMilliseconds(700));
        Judge(
            new SpeedupRule(Ideal: 1.6, Floor: 1.25, MachineMinimum: 1.4),
            $"2 x Count({n:N0})",
            () => CountTwice(n),
            ("the grader's own two child processes", () => CountInTwoProcesses(n)),
            ("your InProcesses", () => CountRunner.InProcesses(n, 2)),
            advice: "Start both child processes before waiting for either; read each one's output after all have started.");
    }

    /// <summary>
    /// Up to <see cref="Attempts"/> rounds of: one after another, the grader's version, yours. The best ratio of each
    /// counts: on a busy machine a burst of load slows one measurement, rarely the same one twice. A best that
    /// flatters a wrong runner is harmless here: whether the copies overlap at all is proved in SimultaneityGrader.
    /// </summary>
    private static void Judge(
        SpeedupRule rule, string work, Action sequential, (string Name, Action Run) reference, (string Name, Action Run) yours,
        string advice)
    {
        if (Environment.ProcessorCount < 2)
        {
            Assert.Inconclusive($"This machine has {Environment.ProcessorCount} core: two copies of CPU work cannot run faster " +
                                "than one after another here, so speed was not graded. The checks that your copies run at the " +
                                "same time still apply.");
        }

        var bestMachine = 0.0;
        var bestYours = 0.0;
        var machineRatios = new List<double>();
        var tried = new List<string>();
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            var alone = Speedup.Time(s_limit, $"running {work} one after another", sequential);
            var machine = new Speedup($"{work} on {reference.Name}", alone,
                Speedup.Time(s_limit, $"running {work} on {reference.Name}", reference.Run));
            var mine = new Speedup($"{work} through {yours.Name}", alone,
                Speedup.Time(s_limit, $"running {work} through {yours.Name}", yours.Run));
            bestMachine = Math.Max(bestMachine, machine.Ratio);
            machineRatios.Add(machine.Ratio);
            bestYours = Math.Max(bestYours, mine.Ratio);
            tried.Add($"attempt {attempt}: {mine}; {reference.Name}: {machine.Concurrent.TotalMilliseconds:N0} ms ({machine.Ratio:0.0}x)");
            if (bestYours >= rule.Required(bestMachine))
            {
                TestContext.Out.WriteLine($"{string.Join("\n", tried)}\nBest: yours {bestYours:0.0}x, the grader's " +
                                          $"{bestMachine:0.0}x; required {rule.Required(bestMachine):0.00}x.");
                return;
            }
        }

        // Judge only a machine that gave the speed-up steadily: one lucky round of the grader's version next to
        // unlucky rounds of yours says more about the load than about your code.
        var steadyMachine = machineRatios.Order().ElementAt(machineRatios.Count / 2);
        if (steadyMachine < rule.MachineMinimum)
        {
            Assert.Inconclusive($"Speed not graded: this machine is too busy right now (or has too few free cores) — " +
                                $"{reference.Name} reached a median of only {steadyMachine:0.0}x over {Attempts} rounds (at " +
                                $"least {rule.MachineMinimum:0.0}x is needed to judge yours).\n{string.Join("\n", tried)}");
        }

        Invariant.Holds(bestYours >= rule.Required(steadyMachine),
            $"{yours.Name} was not faster than one after another the way it should be on {Environment.ProcessorCount} cores " +
            $"(best of {Attempts} attempts: {bestYours:0.0}x, while {reference.Name} reached {bestMachine:0.0}x):\n" +
            $"{string.Join("\n", tried)}\nRequired: at least {rule.Ideal:0.0}x, or {rule.Share:P0} of the grader's median " +
            $"(never below {rule.Floor:0.0}x). {advice} Read next: {ResultsGrader.ReadNext}");
    }

    private static void CountTwice(long n)
    {
        GC.KeepAlive(Countdown.Count(n));
        GC.KeepAlive(Countdown.Count(n));
    }

    private static void CountOnTwoThreads(long n)
    {
        var threads = Enumerable.Range(0, 2).Select(_ => new Thread(() => GC.KeepAlive(Countdown.Count(n)))).ToList();
        threads.ForEach(thread => thread.Start());
        threads.ForEach(thread => thread.Join());
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

    /// <param name="Ideal">Enough in any case: near what two cores give two equal jobs.</param>
    /// <param name="Floor">Never less than this: a runner that does not overlap its copies gets about 1.0x.</param>
    /// <param name="MachineMinimum">Below this, even the grader's version shows the machine cannot judge speed now.</param>
    private sealed record SpeedupRule(double Ideal, double Floor, double MachineMinimum)
    {
        public double Share => 0.85;

        public double Required(double machine) => Math.Max(Floor, Math.Min(Ideal, Share * machine));
    }
}
