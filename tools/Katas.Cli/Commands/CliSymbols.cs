using System.CommandLine;
using System.CommandLine.Parsing;

namespace Katas.Cli;

/// <summary>
/// The arguments and options more than one command takes, declared once: kata names resolve the same way everywhere
/// ("04", "04-locked-counter", "locked-counter"; <see cref="KataRepository.Resolve"/>), and a bad value is a parse error
/// with the command's usage, never a silent default.
/// </summary>
public static class CliSymbols
{
    /// <summary>One kata, by any of its names.</summary>
    public static Argument<string> Kata(string description) => new("kata")
    {
        Description = description,
        CustomParser = result => Parsed(result, () => result.Tokens[0].Value is var name && name.StartsWith('-')
            ? throw new UsageException($"Unknown option '{name}'.")
            : KataRepository.OfThisProgram().Resolve(name)) ?? "",
    };

    /// <summary>--katas 04,06 (or 04 06, or repeated): the katas to grade, every kata when left out.</summary>
    public static Option<IReadOnlyList<string>> Katas() => new("--katas")
    {
        Description = "only these katas, comma-separated (04,06 or 04-locked-counter,06-deadlock-fix); default: every kata",
        HelpName = "kata,kata,...",
        AllowMultipleArgumentsPerToken = true,
        CustomParser = result => Parsed(result, () => KataRepository.OfThisProgram().ResolveAll(result.Tokens.Select(token => token.Value))),
    };

    /// <summary>A whole number of at least <paramref name="minimum"/>: "abc" or "0" is an error, not the default.</summary>
    public static Option<int> AtLeast(string name, int minimum, Func<int> byDefault, string description) => new(name)
    {
        Description = description,
        HelpName = "n",
        DefaultValueFactory = _ => byDefault(),
        CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) || value < minimum)
            {
                result.AddError($"{name} takes a whole number of at least {minimum}, not '{text}'.");
            }

            return value;
        },
    };

    /// <summary>A folder that must exist.</summary>
    public static Argument<DirectoryInfo> ExistingFolder(string name, string description)
    {
        var argument = new Argument<DirectoryInfo>(name) { Description = description };
        argument.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<DirectoryInfo>() is { Exists: false } folder)
            {
                result.AddError($"No such folder: {folder.FullName}");
            }
        });
        return argument;
    }

    /// <summary>A parsed value, or the <see cref="UsageException"/>'s message as the parse error (and the default).</summary>
    public static T? Parsed<T>(ArgumentResult result, Func<T> resolve)
    {
        try
        {
            return resolve();
        }
        catch (UsageException e)
        {
            result.AddError(e.Message);
            return default;
        }
    }

    /// <summary>`--sandbox auto|none|bwrap`: where submitted code runs (<see cref="global::Katas.Cli.Sandbox"/>).</summary>
    public static Option<SandboxMode> Sandbox() => new("--sandbox")
    {
        Description = "run every build and test of submitted code in bubblewrap: auto (the default: when bwrap is installed), bwrap (required: an error without it), none",
        DefaultValueFactory = _ => SandboxMode.Auto,
    };

    /// <summary>The sandbox of the mode, and one line saying what the runs are inside of (or that they are not).</summary>
    public static Sandbox? OpenSandbox(SandboxMode mode)
    {
        var sandbox = global::Katas.Cli.Sandbox.For(mode, out var why);
        Console.WriteLine(sandbox is null
            ? $"Not sandboxed ({why}): submitted code runs with your permissions and can read what you can read."
            : $"Sandbox: {sandbox.Description}.");
        return sandbox;
    }
}
