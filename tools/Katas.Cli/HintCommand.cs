using System.Globalization;

namespace Katas.Cli;

/// <summary>`katas hint &lt;kata&gt; [n] [--ru] [--all]`: the next hint (or hint n, or all of them).</summary>
public static class HintCommand
{
    public static int Run(CommandLine line)
    {
        var repository = KataRepository.OfThisProgram();
        var kata = repository.Resolve(line.Positional(0, "the kata (for example: katas hint 04)"));
        var russian = line.Flag("ru") || CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "ru"
                      || (Environment.GetEnvironmentVariable("LANG") ?? "").StartsWith("ru", StringComparison.Ordinal);
        var hints = KataHints.Of(repository, kata, russian);
        if (hints.Count == 0)
        {
            throw new UsageException($"exercises/{kata}/README has no hints.");
        }

        if (line.Flag("all"))
        {
            for (var i = 0; i < hints.Count; i++)
            {
                Print(kata, i + 1, hints, russian);
            }

            KataHints.MarkSeen(repository, kata, hints.Count);
            return 0;
        }

        var seen = KataHints.Seen(repository).GetValueOrDefault(kata);
        var number = line.OptionalPositional(1) is { } chosen
            ? int.TryParse(chosen, out var n) && n >= 1 && n <= hints.Count ? n : throw new UsageException($"{kata} has hints 1 to {hints.Count}.")
            : Math.Min(seen + 1, hints.Count);
        Print(kata, number, hints, russian);
        KataHints.MarkSeen(repository, kata, number);
        if (number == hints.Count)
        {
            Console.WriteLine(russian ? "Это последняя подсказка." : "That was the last hint.");
        }
        else
        {
            Console.WriteLine(russian
                ? $"Следующая: dotnet run --project tools/Katas.Cli -- hint {kata[..2]}"
                : $"Next one: dotnet run --project tools/Katas.Cli -- hint {kata[..2]}");
        }

        return 0;
    }

    private static void Print(string kata, int number, IReadOnlyList<string> hints, bool russian)
    {
        Console.WriteLine($"{kata}, {(russian ? "подсказка" : "hint")} {number} / {hints.Count}:\n");
        Console.WriteLine(hints[number - 1]);
        Console.WriteLine();
    }
}
