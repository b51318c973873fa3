using Katas.SemaphoreLimit;

namespace Katas.Graders.SemaphoreLimit;

/// <summary>
/// The stress shape that makes a check-then-act throttle break on real threads: in every round Limit - 1 workers sit
/// inside (blocked, off the CPU), and two racers are let go at the same instant from a spin gate, one per core, to take
/// the last slot. A throttle whose "is a slot free?" and "take it" are two steps lets both in.
/// </summary>
/// <remarks>
/// Measured on 2 cores: independent workers coming and going (5 workers x 8 visits, a few microseconds inside) never
/// broke a System.Threading.Lock throttle with a split check in 1,000 runs, because "too many inside" needs Limit + 1
/// threads in the few-instruction window at once, and 2 cores run only 2: the sitters must be off the CPU and the
/// racers must arrive together. Real threads only: under Coyote the crowd of <see cref="Workers"/> does the same job.
/// </remarks>
internal sealed class Bursts(Throttle throttle, int limit, int rounds)
{
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(3);

    private static readonly int[] s_offsets = [0, 0, 1, 2, 3, 5, 8, 12, 16, 24, 32, 48, 64, 96, 128, 256];

    private readonly object _gate = new();
    private int _round = -1;
    private int _sittersIn;
    private int _sittersReleasedRound = -1;
    private int _racersReady;
    private readonly int[] _atStart = new int[2];
    private int _racersDone;
    private int _insideRacers;
    private int _inside;
    private volatile bool _gaveUp;
    private string? _broken;

    /// <summary>Runs the rounds; returns what broke, or null.</summary>
    public string? Run()
    {
        var threads = new GraderThreads();
        for (var sitter = 0; sitter < limit - 1; sitter++)
        {
            threads.Add(Sit);
        }

        threads.Add(() => Race(0)).Add(() => Race(1));
        threads.Start();
        for (var round = 0; round < rounds && Broken() is null; round++)
        {
            lock (_gate)
            {
                _round = round;
                _sittersIn = 0;
                _racersReady = 0;
                _racersDone = 0;
                _insideRacers = 0;
                Monitor.PulseAll(_gate);
                if (!WaitFor(() => _sittersIn == limit - 1 && _racersReady == 2))
                {
                    break;
                }
            }

            lock (_gate)
            {
                if (!WaitFor(() => _racersDone == 2))
                {
                    break;
                }

                _sittersReleasedRound = round;
                Monitor.PulseAll(_gate);
            }
        }

        lock (_gate)
        {
            if (_broken is null && _round >= 0 && (_sittersIn < limit - 1 || _racersDone < 2))
            {
                _broken = _sittersIn < limit - 1
                    ? $"In a Throttle({limit}), only {_sittersIn} of {limit - 1} workers could get in one after the other and " +
                      $"stay inside (within {s_patience.TotalSeconds:0} s): your throttle lets fewer than {limit} in."
                    : $"{limit - 1} worker{(limit == 2 ? " was" : "s were")} inside the Throttle({limit}), and two more came at " +
                      $"the same instant for the last free slot: {(_insideRacers == 0 ? "neither" : "only one")} of them got " +
                      $"in within {s_patience.TotalSeconds:0} s{(_insideRacers == 0 ? $": your throttle lets fewer than {limit} in" : ", and the other never did after it left")}.";
            }

            _gaveUp = true;
            _sittersReleasedRound = int.MaxValue;
            Monitor.PulseAll(_gate);
        }

        threads.Join(s_patience);
        return Broken();
    }

    private string? Broken()
    {
        lock (_gate)
        {
            return _broken;
        }
    }

    private bool WaitFor(Func<bool> condition)
    {
        while (!condition())
        {
            if (_gaveUp || !Scheduling.RealThreads.WaitOnce(_gate, s_patience, condition, giveUp: null))
            {
                return false;
            }
        }

        return true;
    }

    private void Sit()
    {
        for (var round = 0; round < rounds; round++)
        {
            lock (_gate)
            {
                if (!WaitFor(() => _round >= round) || _gaveUp)
                {
                    return;
                }
            }

            throttle.Enter();
            lock (_gate)
            {
                _inside++;
                _sittersIn++;
                Monitor.PulseAll(_gate);
                WaitFor(() => _sittersReleasedRound >= round);
                _inside--;
            }

            throttle.Exit();
        }
    }

    private void Race(int racer)
    {
        Way[] ways = [Way.RunAction, Way.RunFunc, Way.EnterExit];
        for (var round = 0; round < rounds; round++)
        {
            lock (_gate)
            {
                if (!WaitFor(() => _round >= round && _sittersIn == limit - 1) || _gaveUp)
                {
                    return;
                }

                _racersReady++;
                Monitor.PulseAll(_gate);
            }

            // The racers let each other go: the second to arrive finds the first spinning, both on a core.
            Interlocked.Increment(ref _atStart[round % 2]);
            while (Volatile.Read(ref _atStart[round % 2]) < 2 * (round / 2 + 1) && !_gaveUp)
            {
                Thread.SpinWait(1);
            }

            if (_gaveUp)
            {
                return;
            }

            // One racer is held back by a different small delay in each round, so that the two meet at many different
            // points of the student's Enter (a race window a few instructions wide is missed at a fixed offset).
            if (racer == 1)
            {
                Thread.SpinWait(s_offsets[round % s_offsets.Length]);
            }

            var way = ways[(round + racer) % ways.Length];
            switch (way)
            {
                case Way.RunAction:
                    throttle.Run(() => Inside(racer, way));
                    break;
                case Way.RunFunc:
                    _ = throttle.Run(() =>
                    {
                        Inside(racer, way);
                        return 0;
                    });
                    break;
                default:
                    throttle.Enter();
                    try
                    {
                        Inside(racer, way);
                    }
                    finally
                    {
                        throttle.Exit();
                    }

                    break;
            }

            lock (_gate)
            {
                _racersDone++;
                Monitor.PulseAll(_gate);
            }
        }
    }

    private void Inside(int racer, Way way)
    {
        lock (_gate)
        {
            _inside++;
            _insideRacers++;
            if (_inside > limit)
            {
                _broken ??=
                    $"{_inside} workers were inside at once, but the limit is {limit}: {limit - 1} worker{(limit == 2 ? " was" : "s were")} " +
                    $"inside, and two more came at the same instant for the last free slot; both got in (one of them through " +
                    $"{Workers.Call(way)}). Enter must wait while the limit is reached, and taking a free slot must be one " +
                    "atomic step: two workers that both see one free slot must not both take it (\"is a slot free?\" and " +
                    "\"take it\" under one lock, or SemaphoreSlim.Wait()).";
            }
        }

        Thread.SpinWait(50);
        lock (_gate)
        {
            _inside--;
        }
    }
}
