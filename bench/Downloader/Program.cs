using System.Diagnostics;
using Katas.Grading;
using Katas.MultiThreadLoader;

// Kata 03's reference downloader (one thread per URL) against the graders' DocumentServer on loopback: its wall
// time for 9 and 100 documents, next to the ideal, one server delay plus the time the bytes take to arrive.
// Prints a Markdown section for bench/RESULTS.md. Usage: dotnet run -c Release [-- <delay ms> <runs>]
var delay = TimeSpan.FromMilliseconds(args.Length > 0 ? int.Parse(args[0]) : 500);
var runs = args.Length > 1 ? int.Parse(args[1]) : 5;

using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false });
Measure(1, TimeSpan.Zero, out _, out _); // JIT and the first connection, not measured

Console.WriteLine("## Kata 03 downloader: wall time against the ideal");
Console.WriteLine();
Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average " +
                  $"{LoadAverage()} at the start. Reference solution of 03-multithread-loader (`DownloadAll`: one thread " +
                  $"per URL, one shared HttpClient) against the graders' DocumentServer on 127.0.0.1; the server holds " +
                  $"each request {delay.TotalMilliseconds:N0} ms. *Transfer* is the same documents fetched one after " +
                  "another without delay; *ideal* is one delay plus transfer; *one after another* is every delay plus " +
                  $"transfer. Medians of {runs} runs (min-max in brackets).");
Console.WriteLine();
Console.WriteLine("| documents | MB | transfer ms | ideal ms | wall ms | wall / ideal | one after another ms | speed-up | most in flight (lowest run) |");
Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
foreach (var count in new[] { 9, 100 })
{
    var transfers = new List<double>();
    var walls = new List<double>();
    var mostInFlight = int.MaxValue;
    long bytes = 0;
    for (var run = 0; run < runs; run++)
    {
        transfers.Add(Sequential(count).TotalMilliseconds);
        walls.Add(Measure(count, delay, out var most, out bytes).TotalMilliseconds);
        mostInFlight = Math.Min(mostInFlight, most);
    }

    var transfer = Median(transfers);
    var wall = Median(walls);
    var ideal = delay.TotalMilliseconds + transfer;
    var sequential = count * delay.TotalMilliseconds + transfer;
    Console.WriteLine($"| {count} | {bytes / 1e6:0.0} | {transfer:N0} | {ideal:N0} | {wall:N0} ({walls.Min():N0}-{walls.Max():N0}) | " +
                      $"{wall / ideal:0.00} | {sequential:N0} | {sequential / wall:0.0}x | {mostInFlight} |");
}

Console.WriteLine();

// One run of DownloadAll into a fresh folder; checks every file, so a fast wrong run cannot count.
TimeSpan Measure(int count, TimeSpan hold, out int most, out long bytes)
{
    using var server = new DocumentServer();
    var documents = server.AddDocuments(count, hold, seed: 7);
    var folder = Directory.CreateTempSubdirectory("katas-bench-03-").FullName;
    try
    {
        var clock = Stopwatch.StartNew();
        var loaders = MultiThreadLoaderProgram.DownloadAll(documents.Select(d => d.Url.ToString()).ToList(), folder, client, TextWriter.Null);
        var took = clock.Elapsed;
        if (loaders.Any(l => l.Error is not null) ||
            documents.Any(d => !File.ReadAllBytes(Path.Combine(folder, d.FileName)).AsSpan().SequenceEqual(d.Content)))
        {
            throw new InvalidOperationException("the downloader did not save every document exactly");
        }

        most = server.MaxInFlight;
        bytes = documents.Sum(d => (long)d.Content.Length);
        return took;
    }
    finally
    {
        Directory.Delete(folder, recursive: true);
    }
}

// The bytes alone: the same documents, no delay, one after another over one connection.
TimeSpan Sequential(int count)
{
    using var server = new DocumentServer();
    var documents = server.AddDocuments(count, TimeSpan.Zero, seed: 7);
    var clock = Stopwatch.StartNew();
    foreach (var document in documents)
    {
        client.GetByteArrayAsync(document.Url).GetAwaiter().GetResult();
    }

    return clock.Elapsed;
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";
