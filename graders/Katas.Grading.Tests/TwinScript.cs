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

    /// <summary>
    /// The twin has every public and protected member of the runtime's type (explicit interface implementations, nested
    /// types and fields included) and no other, the same interfaces, and is sealed or not as it is: a member the twin
    /// lacks would be a compile error in a student's code that the runtime's type compiles.
    /// </summary>
    public static void MustHaveTheSurfaceOf(Type twin, Type runtime)
    {
        Surface(runtime).Should().NotBeEmpty("the comparison must see {0}'s members", runtime);
        Surface(twin).Should().Equal(Surface(runtime), "{0} must have the members of the runtime's type", twin);
        Interfaces(twin).Should().Equal(Interfaces(runtime), "{0} must implement what the runtime's type does", twin);
        twin.IsSealed.Should().Be(runtime.IsSealed, "a student may derive from {0} exactly when from the runtime's type", twin);
    }

    /// <summary>The public and protected members <see cref="MustHaveTheSurfaceOf"/> compares, as text, in order.</summary>
    public static IEnumerable<string> Surface(Type type) =>
        type.GetMembers(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
            .Where(member => member switch
            {
                // Explicit interface implementations (ICollection.SyncRoot...) are private, named by their interface.
                MethodBase method => method.IsPublic || method.IsFamily || method.IsFamilyOrAssembly ||
                                     (method is not ConstructorInfo && method.Name.Contains('.')),
                PropertyInfo property => property.GetMethod is { } get && (get.IsPublic || get.IsFamily || property.Name.Contains('.')),
                FieldInfo field => field.IsPublic || field.IsFamily || field.IsFamilyOrAssembly,
                EventInfo @event => @event.AddMethod is { } add && (add.IsPublic || add.IsFamily),
                Type nested => nested.IsNestedPublic || nested.IsNestedFamily || nested.IsNestedFamORAssem,
                _ => false,
            })
            .Select(member => member.ToString()!)
            .Order(StringComparer.Ordinal);

    private static IEnumerable<string> Interfaces(Type type) => type.GetInterfaces().Select(i => i.ToString()!).Order(StringComparer.Ordinal);

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
