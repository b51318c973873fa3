using System.CommandLine;
using System.Globalization;

namespace Katas.Cli;

/// <summary>`katas hint &lt;kata&gt; [n] [--ru] [--all]`: the next hint (or hint n, or all of them).</summary>
public static class HintCommand
{
    public static Command Create()
    {
        var kata = CliSymbols.Kata("the kata (04 or 04-locked-counter)");
        var number = new Argument<int?>("n") { Description = "this hint (default: the next one you have not seen)", Arity = ArgumentArity.ZeroOrOne };
        var russian = new Option<bool>("--ru") { Description = "по-русски (also when your system's language is Russian)" };
        var all = new Option<bool>("--all") { Description = "every hint of the kata" };
        var command = new Command("hint", "the next hint for a kata (or hint n)") { kata, number, russian, all };
        command.SetAction(parse => Run(parse.GetRequiredValue(kata), parse.GetValue(number), parse.GetValue(russian), parse.GetValue(all)));
        return command;
    }

    private static int Run(string kata, int? chosen, bool ru, bool all)
    {
        var repository = KataRepository.OfThisProgram();
        var russian = ru || CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "ru"
                      || (Environment.GetEnvironmentVariable("LANG") ?? "").StartsWith("ru", StringComparison.Ordinal);
        var hints = KataHints.Of(repository, kata, russian);
        if (hints.Count == 0)
        {
            throw new UsageException($"exercises/{kata}/README has no hints.");
        }

        if (all)
        {
            for (var i = 0; i < hints.Count; i++)
            {
                Print(kata, i + 1, hints, russian);
            }

            KataHints.MarkSeen(repository, kata, hints.Count);
            return 0;
        }

        var seen = KataHints.Seen(repository).GetValueOrDefault(kata);
        var number = chosen is { } n
            ? n >= 1 && n <= hints.Count ? n : throw new UsageException($"{kata} has hints 1 to {hints.Count}.")
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
