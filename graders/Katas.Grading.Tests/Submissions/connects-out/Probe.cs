using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Katas.LockedCounter;

// Bad input for batch grading (SandboxTests): as soon as the graded assembly loads, it connects to a server the test
// listens with on 127.0.0.1:@@PORT@@ outside the sandbox, and lists the network interfaces. A connection, or any
// interface but the loopback, fails every check with what it found.
internal static class Probe
{
    [ModuleInitializer]
    internal static void Run()
    {
        var found = new List<string>();
        try
        {
            using var client = new TcpClient();
            if (client.ConnectAsync("127.0.0.1", @@PORT@@).Wait(TimeSpan.FromSeconds(3)))
            {
                found.Add("CONNECTED to 127.0.0.1:@@PORT@@");
            }
        }
        catch (AggregateException)
        {
        }

        var interfaces = NetworkInterface.GetAllNetworkInterfaces().Select(network => network.Name).Where(name => name != "lo").ToList();
        if (interfaces.Count > 0)
        {
            found.Add("INTERFACES " + string.Join(", ", interfaces));
        }

        if (found.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" | ", found));
        }
    }
}
