using System.Globalization;

namespace Katas.Grading;

/// <summary>A synchronization API that Coyote 1.7.11 cannot control, found in the student's compiled code.</summary>
/// <param name="Api">The API as the student wrote it.</param>
/// <param name="Advice">What to use instead if the student wants the systematic check.</param>
public sealed record UncontrolledApi(string Api, string Advice)
{
    // Measured on this project's machines (see CONTRIBUTING.md, "What Coyote can see"): with any of these,
    // correct code is reported as "Potential deadlock or hang", so graders must not trust Coyote's verdict.
    private static readonly Dictionary<string, string> s_types = new()
    {
        ["System.Threading.Lock"] = "lock on a `private readonly object _gate = new();` field",
        ["System.Threading.Timer"] = "take a TimeProvider and call CreateTimer on it",
        ["System.Threading.PeriodicTimer"] = "take a TimeProvider and call CreateTimer on it",
        ["System.Threading.SpinLock"] = "use `lock` on an object",
        ["System.Threading.Mutex"] = "use `lock` on an object (a Mutex is for locking across processes)",
        ["System.Threading.Semaphore"] = "use SemaphoreSlim",
        ["System.Threading.ReaderWriterLockSlim"] = "use `lock` on an object",
        ["System.Threading.ManualResetEventSlim"] = "use ManualResetEvent, or Monitor.Wait/Pulse",
        ["System.Threading.CountdownEvent"] = "join the threads, or use Monitor.Wait/Pulse",
        ["System.Threading.Barrier"] = "use Monitor.Wait/PulseAll",
        ["System.Collections.Concurrent.BlockingCollection`1"] = "use a Monitor.Wait/Pulse buffer",
        ["System.Threading.Channels.Channel"] = "use a Monitor.Wait/Pulse buffer",
        ["System.Threading.Channels.Channel`1"] = "use a Monitor.Wait/Pulse buffer",
    };

    // Runtime types that stay in the student's code with a twin of another type (the twin of the static Channel makes
    // every Channel<T> the student can get: those channels are built on what Coyote controls, the runtime's Channel<T>
    // being only their abstract base). The key is the twin, the values the runtime types it makes controlled.
    private static readonly Dictionary<string, string[]> s_controlledBy = new()
    {
        ["System.Threading.Channels.Channel"] = ["System.Threading.Channels.Channel`1"],
    };

    private static readonly Dictionary<(string Type, string Member), (string Api, string Advice)> s_members = new()
    {
        [("System.Threading.Thread", "set_Name")] = ("Thread.Name", "leave threads unnamed, or name them in what they print"),
        [("System.Threading.ThreadPool", "QueueUserWorkItem")] = ("ThreadPool.QueueUserWorkItem", "use Task.Run or new Thread"),
        [("System.Threading.ThreadPool", "UnsafeQueueUserWorkItem")] = ("ThreadPool.UnsafeQueueUserWorkItem", "use Task.Run or new Thread"),
    };

    // Types any call on which makes Coyote's verdict untrustworthy; "{0}" in the name is the member called.
    // Measured with kata 11 (a limit of 3 workers, 6 items, 100 interleavings each):
    // - Parallel.For and Parallel.ForEach(source, options, body) are rewritten to Coyote's own Parallel, which
    //   replaces MaxDegreeOfParallelism with a fixed 4 and then ran every iteration one at a time: a correct loop
    //   that must run 3 calls together is reported as "Deadlock detected".
    // - Parallel.ForEach with a ParallelLoopState or an index, Parallel.ForEachAsync and PLINQ (AsParallel) pass
    //   through uncontrolled and fail inside the framework (NullReferenceException, ArgumentNullException "key"),
    //   reported as an unhandled exception of the student's code.
    // After the build's rewrite the calls of the first kind point at Coyote's type, so both names are listed. Every kata
    // compiles its code with the controlled twin of Parallel (Twins/Parallel.cs), whose calls are not these: only code
    // built without the twins (KataTwins=false) or PLINQ still lands here.
    private static readonly Dictionary<string, (string Api, string Advice)> s_calledTypes = new()
    {
        ["System.Threading.Tasks.Parallel"] = ("Parallel.{0}", ParallelAdvice),
        ["Microsoft.Coyote.Rewriting.Types.Threading.Tasks.Parallel"] = ("Parallel.{0}", ParallelAdvice),
        ["System.Linq.ParallelEnumerable"] = ("PLINQ (AsParallel)", ParallelAdvice),
        // `await foreach (var x in stream.ConfigureAwait(false))` (or .WithCancellation(token)): the rewritten code
        // awaits the ConfiguredValueTaskAwaitable that the framework's ConfiguredCancelableAsyncEnumerable returns as if
        // it were Coyote's type of that name. Measured in kata 11 (channel-workers, through the Channel twin): every
        // worker's loop ended before its first item, and with the runtime's Channel it threw NullReferenceException;
        // the same code without .ConfigureAwait(false) was explored correctly.
        ["System.Runtime.CompilerServices.ConfiguredCancelableAsyncEnumerable`1"] = ("await foreach over .ConfigureAwait(false) or .WithCancellation",
            "await foreach over the stream itself (pass a token to the method that makes it, as ReadAllAsync(token))"),
    };

    private const string ParallelAdvice =
        "start the workers yourself (new Thread or Task.Run); Coyote runs Parallel loops one iteration at a time and cannot run PLINQ";

    /// <summary>The uncontrolled APIs that the assembly holding <paramref name="kataType"/> uses.</summary>
    public static IReadOnlyList<UncontrolledApi> FindIn(Type kataType) => FindIn(CompiledCode.Of(kataType));

    public static IReadOnlyList<UncontrolledApi> FindIn(CompiledCode code)
    {
        var found = new List<UncontrolledApi>();
        var controlled = code.CalledTwins.SelectMany(twin => s_controlledBy.GetValueOrDefault(twin, [])).ToHashSet(StringComparer.Ordinal);
        foreach (var type in code.ReferencedTypes)
        {
            if (!controlled.Contains(type) && s_types.TryGetValue(type, out var advice))
            {
                found.Add(new UncontrolledApi(type.Replace("`1", "<T>", StringComparison.Ordinal), advice));
            }
        }

        foreach (var member in code.CalledMembers)
        {
            if (s_members.TryGetValue((member.TypeFullName, member.Name), out var api))
            {
                found.Add(new UncontrolledApi(api.Api, api.Advice));
            }

            // A call on the Parallel twin (Twins/Parallel.cs) is not the runtime's Parallel: its loops run on workers Coyote controls.
            if (!member.OnTwin && s_calledTypes.TryGetValue(member.TypeFullName, out var called))
            {
                found.Add(new UncontrolledApi(string.Format(CultureInfo.InvariantCulture, called.Api, member.Name), called.Advice));
            }
        }

        if (code.HasSynchronizedMethods)
        {
            found.Add(new UncontrolledApi("[MethodImpl(MethodImplOptions.Synchronized)]", "use `lock` on a private object"));
        }

        return found.DistinctBy(api => api.Api).ToList();
    }
}
