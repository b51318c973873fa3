using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Runtime.Loader;
using Microsoft.Coyote.Rewriting;
using NUnit.Framework;
using NUnit.Framework.Internal;

namespace Katas.Grading;

/// <summary>
/// Checks on real threads run the grader's and the student's code as the compiler built it, not as `coyote rewrite`
/// changed it for systematic testing. Rewritten code is meant to run under Coyote's scheduler; on real threads it goes
/// through Coyote's wrappers, which can break correct code (measured: a Channel consumer that awaits
/// `ReadAllAsync().ConfigureAwait(false)` threw NullReferenceException inside the rewritten awaiter, and failed six
/// checks of kata 08; the same code unrewritten passes).
/// </summary>
/// <remarks>
/// The build keeps the unrewritten grader, grading library and kata assemblies in the <see cref="Folder"/> subfolder of
/// the grader's output (graders/Kata.Grader.targets, before the rewrite). A test marked <see cref="OnRealThreadsAttribute"/>
/// runs from there, in a load context of its own; NUnit, FluentAssertions and the framework stay shared, so its assertions
/// and output are the test's own. A <see cref="ConcurrencyCheck"/> that has to fall back to stress runs re-runs its whole
/// test there.
/// </remarks>
public static class RealThreads
{
    /// <summary>The subfolder of the grader's output with the unrewritten assemblies.</summary>
    public const string Folder = "unrewritten";

    // AppContext data is one per process, seen from both load contexts: how the copy learns why it runs.
    private const string StressRerunKey = "Katas.Grading.StressRerun";

    private static readonly Lazy<UnrewrittenCopy?> s_copy = new(UnrewrittenCopy.Create);

    /// <summary>Whether this code is the unrewritten copy (a test on real threads).</summary>
    public static bool InUnrewrittenCopy { get; } = AssemblyLoadContext.GetLoadContext(typeof(RealThreads).Assembly)?.Name == Folder;

    /// <summary>Whether this process runs the rewritten grader (the graders whose build runs `coyote rewrite`).</summary>
    public static bool GraderIsRewritten { get; } = RewritingEngine.IsAssemblyRewritten(typeof(RealThreads).Assembly);

    /// <summary>Whether the current test runs in the copy because a <see cref="ConcurrencyCheck"/> fell back to stress runs.</summary>
    internal static bool IsStressRerun => InUnrewrittenCopy && AppContext.GetData(StressRerunKey) is true;

    /// <summary>
    /// Fails unless <paramref name="assembly"/> was rewritten: Coyote explores nothing in code it did not rewrite, so an
    /// unrewritten build would pass every wrong submission.
    /// </summary>
    internal static void MustBeRewritten(Assembly? assembly)
    {
        if (assembly is null || RewritingEngine.IsAssemblyRewritten(assembly))
        {
            return;
        }

        throw new InvalidOperationException(
            $"Grader problem, not yours: {assembly.GetName().Name} was not rewritten by `coyote rewrite`" +
            (InUnrewrittenCopy ? " (a systematic check ran inside a test marked [OnRealThreads])" : "") +
            ", so Coyote could not control its threads and would have passed any code. Rebuild the grader " +
            "(graders/Kata.Grader.targets rewrites after every build) and run it again.");
    }

    /// <summary>
    /// Fails when grader code calls the student's code on real threads from the rewritten build, outside a Coyote
    /// exploration: such a test must be marked <see cref="OnRealThreadsAttribute"/>.
    /// </summary>
    internal static void MustRunUnrewritten(string what)
    {
        if (GraderIsRewritten && !InUnrewrittenCopy && !Invariant.IsExploring)
        {
            throw new InvalidOperationException(
                $"Grader problem, not yours: the grader ran your code ({what}) on real threads from the build rewritten for " +
                "Coyote. Mark the test [OnRealThreads], or call it through RealThreads.Run.");
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/>, a static method or a lambda that captures nothing, from the unrewritten build; in a
    /// grader without `coyote rewrite` (or already in the copy), just runs it.
    /// </summary>
    public static void Run(Action body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (!GraderIsRewritten || InUnrewrittenCopy)
        {
            body();
            return;
        }

        var method = body.Method;
        var target = body.Target;
        if (target is not null && target.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic).Length > 0)
        {
            throw new InvalidOperationException(
                $"Grader problem: RealThreads.Run needs a static method or a lambda that captures nothing ({method.Name} captures).");
        }

        var copy = RequireCopy();
        var copiedMethod = copy.Find(method);
        // A non-capturing lambda is an instance method of the compiler's singleton closure class: take the copy's singleton.
        var copiedTarget = copiedMethod.IsStatic
            ? null
            : copiedMethod.DeclaringType!.GetField("<>9", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)?.GetValue(null)
              ?? Activator.CreateInstance(copiedMethod.DeclaringType!, nonPublic: true);
        Invoke(copiedMethod, copiedTarget, []);
    }

    /// <summary>
    /// Runs the current NUnit test again from the unrewritten build, with its fixture's set-up and tear-down, and ends
    /// the current run of it with that outcome (a failure is thrown, a pass ends it with Assert.Pass).
    /// </summary>
    internal static void RerunCurrentTestForStress()
    {
        AppContext.SetData(StressRerunKey, true);
        try
        {
            RunCurrentTestInCopy();
        }
        finally
        {
            AppContext.SetData(StressRerunKey, false);
        }

        Assert.Pass();
    }

    /// <summary>Runs the current NUnit test from the unrewritten build (see <see cref="OnRealThreadsAttribute"/>).</summary>
    internal static void RunCurrentTestInCopy()
    {
        var test = TestExecutionContext.CurrentContext.CurrentTest;
        var method = test.Method?.MethodInfo
            ?? throw new InvalidOperationException("Grader problem: RealThreads runs test methods only.");
        var copy = RequireCopy();
        var copiedMethod = copy.Find(method);
        var fixtureType = copiedMethod.DeclaringType!;
        var fixture = copiedMethod.IsStatic && fixtureType.IsAbstract ? null : Activator.CreateInstance(fixtureType, nonPublic: true);
        var arguments = test.Arguments.Zip(copiedMethod.GetParameters(), (value, parameter) => copy.Translate(value, parameter.ParameterType)).ToArray();

        var oneTimeSetUps = Lifecycle<OneTimeSetUpAttribute>(fixtureType, baseFirst: true);
        var setUps = Lifecycle<SetUpAttribute>(fixtureType, baseFirst: true);
        var tearDowns = Lifecycle<TearDownAttribute>(fixtureType, baseFirst: false);
        var oneTimeTearDowns = Lifecycle<OneTimeTearDownAttribute>(fixtureType, baseFirst: false);
        var started = 0;
        try
        {
            foreach (var setUp in oneTimeSetUps.Concat(setUps))
            {
                Invoke(setUp, fixture, []);
                started++;
            }

            Invoke(copiedMethod, fixture, arguments);
        }
        finally
        {
            // Tear down only what was set up, as NUnit does; a failing tear-down must not hide the test's own failure.
            var setUpCount = oneTimeSetUps.Count + setUps.Count;
            if (started >= oneTimeSetUps.Count)
            {
                foreach (var tearDown in started == setUpCount ? tearDowns : [])
                {
                    TryInvoke(tearDown, fixture);
                }

                foreach (var tearDown in oneTimeTearDowns)
                {
                    TryInvoke(tearDown, fixture);
                }
            }

            (fixture as IDisposable)?.Dispose();
        }
    }

    private static UnrewrittenCopy RequireCopy() => s_copy.Value ?? throw new InvalidOperationException(
        $"Grader problem, not yours: the unrewritten build ({Folder}/ next to {Path.GetFileName(typeof(RealThreads).Assembly.Location)}) " +
        "is missing. graders/Kata.Grader.targets keeps it at every build; rebuild the grader.");

    private static List<MethodInfo> Lifecycle<TAttribute>(Type fixture, bool baseFirst)
        where TAttribute : Attribute
    {
        var chain = new List<Type>();
        for (var type = fixture; type is not null && type != typeof(object); type = type.BaseType)
        {
            chain.Add(type);
        }

        if (baseFirst)
        {
            chain.Reverse();
        }

        return chain.SelectMany(type => type.GetMethods(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public |
                BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Where(method => method.GetCustomAttribute<TAttribute>() is not null)
            .ToList();
    }

    private static void Invoke(MethodInfo method, object? target, object?[] arguments)
    {
        object? result;
        try
        {
            result = method.Invoke(method.IsStatic ? null : target, arguments);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }

        if (result is Task task)
        {
            task.GetAwaiter().GetResult();
        }
    }

    private static void TryInvoke(MethodInfo method, object? target)
    {
        try
        {
            Invoke(method, target, []);
        }
        catch (Exception e) when (e is not ResultStateException)
        {
            TestContext.Out.WriteLine($"Grader problem in {method.Name} (tear-down): {e.Message}");
        }
    }

    /// <summary>The unrewritten grader, grading library and kata, loaded beside the rewritten ones.</summary>
    private sealed class UnrewrittenCopy : AssemblyLoadContext
    {
        private readonly string _folder;

        private UnrewrittenCopy(string folder)
            : base(Folder) => _folder = folder;

        public static UnrewrittenCopy? Create()
        {
            var folder = Path.Combine(Path.GetDirectoryName(typeof(RealThreads).Assembly.Location)!, Folder);
            return Directory.Exists(folder) ? new UnrewrittenCopy(folder) : null;
        }

        /// <summary>The method of the copy that is <paramref name="method"/> of the rewritten build.</summary>
        public MethodInfo Find(MethodInfo method)
        {
            var declaring = method.DeclaringType!;
            var assembly = LoadFromAssemblyName(declaring.Assembly.GetName());
            var type = assembly.GetType(declaring.FullName!, throwOnError: true)!;
            var parameters = method.GetParameters().Select(p => p.ParameterType.FullName).ToList();
            return type.GetMethods(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .Single(candidate => candidate.Name == method.Name &&
                    candidate.GetParameters().Select(p => p.ParameterType.FullName).SequenceEqual(parameters));
        }

        /// <summary>A test argument as the copy's method takes it: shared types pass as they are, the grader's enums by value.</summary>
        public object? Translate(object? value, Type parameterType)
        {
            if (value is null || parameterType.IsInstanceOfType(value))
            {
                return value;
            }

            if (value is Enum && parameterType.IsEnum)
            {
                return Enum.ToObject(parameterType, Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
            }

            throw new InvalidOperationException(
                $"Grader problem: a test argument of type {value.GetType()} cannot be passed to the unrewritten build; " +
                "use numbers, strings, enums or framework types.");
        }

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            var path = Path.Combine(_folder, assemblyName.Name + ".dll");
            // Everything not kept unrewritten (NUnit, FluentAssertions, Coyote, the framework) is shared with the test.
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }
}

/// <summary>
/// Runs the test from the unrewritten build (see <see cref="RealThreads"/>): for every check that runs the student's
/// code on real threads rather than under Coyote.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class OnRealThreadsAttribute : NUnitAttribute, NUnit.Framework.Interfaces.IWrapSetUpTearDown
{
    public NUnit.Framework.Internal.Commands.TestCommand Wrap(NUnit.Framework.Internal.Commands.TestCommand command) =>
        RealThreads.GraderIsRewritten && !RealThreads.InUnrewrittenCopy ? new InCopyCommand(command.Test) : command;

    private sealed class InCopyCommand(Test test) : NUnit.Framework.Internal.Commands.TestCommand(test)
    {
        public override TestResult Execute(TestExecutionContext context)
        {
            try
            {
                RealThreads.RunCurrentTestInCopy();
                context.CurrentResult.SetResult(NUnit.Framework.Interfaces.ResultState.Success);
            }
            catch (Exception e)
            {
                context.CurrentResult.RecordException(e);
            }

            return context.CurrentResult;
        }
    }
}
