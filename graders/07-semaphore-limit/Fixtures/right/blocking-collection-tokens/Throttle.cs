using System.Collections.Concurrent;

namespace Katas.SemaphoreLimit;

// Known right: the lesson's Queue as a semaphore. A BlockingCollection with boundedCapacity = limit holds one
// token per worker inside: Add blocks while it is full (Enter), TryTake takes a token out (Exit) and fails
// when there is none (an Exit without an Enter). Hard for the grader: Coyote cannot see inside the runtime's
// BlockingCollection; it explores the controlled twin the grader compiles in instead, and the waits are inside
// the collection.
public sealed class Throttle
{
    private readonly BlockingCollection<byte> _inside;

    public Throttle(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        Limit = limit;
        _inside = new BlockingCollection<byte>(new ConcurrentBag<byte>(), boundedCapacity: limit);
    }

    public int Limit { get; }

    public void Enter() => _inside.Add(0);

    public void Exit()
    {
        if (!_inside.TryTake(out _))
        {
            throw new SemaphoreFullException("Exit was called more times than Enter.");
        }
    }

    public T Run<T>(Func<T> work)
    {
        Enter();
        try
        {
            return work();
        }
        finally
        {
            Exit();
        }
    }

    public void Run(Action work)
    {
        Enter();
        try
        {
            work();
        }
        finally
        {
            Exit();
        }
    }
}
