using System.CommandLine;

namespace Katas.Cli;

/// <summary>
/// `katas status [kata]`: for a student, where they are: each kata passed, failing (with the first failing check's
/// message) or not started, and which one to do next. Untouched stubs are recognised by checksum and not run.
/// </summary>
public static class StatusCommand
{
    public static Command Create()
    {
        var kata = CliSymbols.Kata("only this kata (04 or 04-locked-counter); default: every kata");
        kata.Arity = ArgumentArity.ZeroOrOne;
        var command = new Command("status", "which katas pass, which fail (and why), which to do next") { kata };
        command.SetAction(parse => Run(parse.GetValue(kata)));
        return command;
    }

    private static int Run(string? one)
    {
        var repository = KataRepository.OfThisProgram();
        var points = PointsConfig.Load(repository);
        IReadOnlyList<string> katas = one is { Length: > 0 } ? [one] : repository.Katas;
        var runner = new KataRunner(repository, points);
        var results = Path.Combine(repository.Root, "artifacts", "status");
        string? next = null;

        Console.WriteLine($"{"kata",-26} {"state",-12} what the grader says");
        foreach (var kata in katas)
        {
            var (state, says) = StateOf(repository, runner, kata, results);
            Console.WriteLine($"{kata,-26} {state,-12} {says}");
            if (state != "passed" && next is null)
            {
                next = kata;
            }
        }

        Console.WriteLine(next is null
            ? katas.Count == 1 ? $"\n{katas[0]} passes." : "\nEvery kata passes. Well done: try the \"Going further\" questions of each README."
            : $"\nNext: {next}. Read exercises/{next}/README.md (README.ru.md по-русски); "
              + $"details: dotnet test graders/{next}; a hint: dotnet run --project tools/Katas.Cli -- hint {next[..2]}");
        return 0;
    }

    private static (string State, string Says) StateOf(KataRepository repository, KataRunner runner, string kata, string results)
    {
        if (!Directory.Exists(Path.Combine(repository.Exercises, kata)))
        {
            return ("missing", $"exercises/{kata}/ is gone: restore it from git");
        }

        if (StubChecksums.IsUntouched(repository, kata))
        {
            return ("not started", "");
        }

        var verdict = runner.Run(kata, repository.Exercises, results, restore: true);
        if (verdict.State == KataState.Passed)
        {
            return ("passed", verdict.Summary);
        }

        var firstFailure = verdict.Checks.FirstOrDefault(check => check.Failed);
        var says = firstFailure is null
            ? verdict.Summary + (verdict.Details.Length > 0 ? ": " + verdict.Details.Split('\n')[0] : "")
            : $"{verdict.Summary}; {firstFailure.Name}: {Gist(firstFailure.Message)}";
        return ("failing", says);
    }

    /// <summary>A grader's message starts with the property that broke and then how, in the student's values.</summary>
    private static string Gist(string message)
    {
        var gist = string.Join(' ', message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(2));
        return gist.Length <= 300 ? gist : gist[..300] + "...";
    }
}
