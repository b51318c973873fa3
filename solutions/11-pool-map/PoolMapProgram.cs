using System.Globalization;

namespace Katas.PoolMap;

/// <summary>The lesson's program: <c>Pool(processes=3).map(slow_print, [5, 10, 20])</c>.</summary>
public static class PoolMapProgram
{
    public static readonly int[] Numbers = [5, 10, 20];

    /// <summary>
    /// Maps <see cref="SlowPrint"/> over 5, 10 and 20 with 3 workers, then prints the list Map returned. With 3
    /// workers all three calls start at once and the whole run takes one <paramref name="pause"/>, not three.
    /// </summary>
    public static void Run(TextWriter output, TimeSpan? pause = null)
    {
        var wait = pause ?? TimeSpan.FromSeconds(1);
        var results = Pool.Map(Numbers, number => SlowPrint(output, number, wait), maxConcurrency: 3);
        output.WriteLine("[" + string.Join(", ", results) + "]");
    }

    /// <summary>The lesson's slow_print: says when it starts, sleeps, says when it ends. Returns its number.</summary>
    public static int SlowPrint(TextWriter output, int number, TimeSpan pause)
    {
        output.WriteLine($"Вызов {number} в {Now()}");
        Thread.Sleep(pause);
        output.WriteLine($"Конец {number} в {Now()}");
        return number;
    }

    private static string Now() => DateTime.Now.ToString("HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
}
