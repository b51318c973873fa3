using System.Reflection;
using System.Runtime.ExceptionServices;

namespace Katas.Grading.Tests;

/// <summary>What the twin tests share: making an instance of either type, and calls that wait on a thread of their own.</summary>
internal static class TwinScript
{
    /// <summary>A new instance; what the constructor throws is thrown as is (not wrapped in TargetInvocationException).</summary>
    public static object New(Type type, params object?[] arguments)
    {
        try
        {
            return Activator.CreateInstance(type, arguments)!;
        }
        catch (TargetInvocationException e) when (e.InnerException is { } thrown)
        {
            ExceptionDispatchInfo.Capture(thrown).Throw();
            throw;
        }
    }

    /// <summary>Starts <paramref name="call"/> on a thread of its own.</summary>
    public static Waiter OnThread(Func<object> call) => new(call);

    /// <summary>A call on a thread of its own; its result or exception, read once it has returned.</summary>
    public sealed class Waiter
    {
        private readonly Thread _thread;
        private object? _result;
        private Exception? _thrown;

        public Waiter(Func<object> call)
        {
            _thread = new Thread(() =>
            {
                try
                {
                    _result = call();
                }
                catch (Exception e)
                {
                    _thrown = e;
                }
            })
            { IsBackground = true };
            _thread.Start();
        }

        public bool Done => !_thread.IsAlive;

        public object Result()
        {
            _thread.Join(TimeSpan.FromSeconds(20)).Should().BeTrue("the call must return");
            return _thrown is null ? _result! : throw _thrown;
        }
    }
}
