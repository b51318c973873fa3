namespace Katas.ThreadsAndProcesses;

// Known right: the lesson's say_hello_class_T(Thread) in C#. Thread is sealed, so instead of subclassing it the
// class owns one, and offers Start/Join like it. What the thread saw is kept in the object, read after Join.
public sealed class HelloThread
{
    private readonly string _name;
    private readonly TextWriter _output;
    private readonly Thread _thread;

    public HelloThread(string name, TextWriter output)
    {
        _name = name;
        _output = output;
        _thread = new Thread(Run);
    }

    /// <summary>What the thread saw; set by the thread, meaningful after <see cref="Join"/>.</summary>
    public ThreadHello? Seen { get; private set; }

    public void Start() => _thread.Start();

    public void Join() => _thread.Join();

    // The lesson's run(): what the new thread does.
    private void Run()
    {
        Seen = new ThreadHello(Environment.ProcessId, Environment.CurrentManagedThreadId);
        Greeter.SayHello(_name, _output);
    }
}
