using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace Barman.Cli;

/// <summary>
/// Command-line errors worded and ordered as Barman's argparse words them, after the usage of the
/// command concerned, for exit 2: an option's bad value (<c>argument --target: invalid choice: …</c>),
/// a missing argument (<c>the following arguments are required: server_name</c>), then anything left
/// over (<c>unrecognized arguments: --bogus</c>, after the program's usage). A word that starts with
/// <c>-</c> is an option (unless it is a negative number or follows <c>--</c>), never a server name.
/// </summary>
internal static partial class CommandLineErrors
{
    /// <summary>What to print on stderr, or null when the command line is valid.</summary>
    public static string? Find(RootCommand root, ParseResult parse)
    {
        if (parse.CommandResult.Command == root)
        {
            // No verb matched: the first word that is not an option is the verb argparse rejects.
            var word = parse.UnmatchedTokens.FirstOrDefault(t => !LooksLikeOption(t));
            if (word is not null)
            {
                if (UnimplementedVerbs.Barman34.Contains(word, StringComparer.Ordinal))
                    return UnimplementedVerbs.Message(word) + "\n";
                var choices = string.Join(", ", ArgparseText.VerbNames(root).Select(ArgparseText.Repr));
                return Error(root, $"argument command: invalid choice: {ArgparseText.Repr(word)} (choose from {choices})");
            }
        }

        var command = parse.CommandResult.Command;
        if (parse.Errors.FirstOrDefault(e => OptionOf(e.SymbolResult) is not null) is { } optionError)
        {
            // A global option's error is the program's (barman: error: argument --color/--colour: …).
            var owner = OwnerOf(optionError.SymbolResult) ?? command;
            return Error(owner, $"argument {string.Join('/', OptionNames(OptionOf(optionError.SymbolResult)!))}: {OptionMessage(optionError)}");
        }

        var missing = command.Arguments.Where(a => a.Arity.MinimumNumberOfValues > 0 && (parse.GetResult(a)?.Tokens.Count ?? 0) < a.Arity.MinimumNumberOfValues).ToList();
        if (missing.Count > 0)
            return Error(command, "the following arguments are required: " + string.Join(", ", missing.Select(a => a.Name)));

        var unrecognized = UnrecognizedWords(parse).ToList();
        if (unrecognized.Count > 0)
            return Error(root, "unrecognized arguments: " + string.Join(' ', unrecognized));

        var other = parse.Errors.FirstOrDefault(e => !IsMissingCommand(e, root));
        return other is null ? null : Error(command, other.Message);
    }

    private static string Error(Command command, string message) =>
        ArgparseText.Usage(command) + $"{ArgparseText.Prog(command)}: error: {message}\n";

    /// <summary>
    /// Words no option or argument took, and option-like words an argument took: argparse reports
    /// them all at once. Everything after <c>--</c> is an argument.
    /// </summary>
    private static IEnumerable<string> UnrecognizedWords(ParseResult parse)
    {
        var afterDoubleDash = false;
        foreach (var token in parse.Tokens)
        {
            if (token.Type == TokenType.DoubleDash)
                afterDoubleDash = true;
            else if (token.Type == TokenType.Argument && !afterDoubleDash && LooksLikeOption(token.Value) && !parse.UnmatchedTokens.Contains(token.Value))
                yield return token.Value;
        }
        foreach (var word in parse.UnmatchedTokens)
            yield return word;
    }

    /// <summary>argparse's rule: <c>-x</c>, <c>--xyz</c>, but not <c>-</c> nor a negative number.</summary>
    public static bool LooksLikeOption(string word) =>
        word.Length > 1 && word[0] == '-' && !NegativeNumber().IsMatch(word);

    [GeneratedRegex(@"^-\d+$|^-\d*\.\d+$")]
    private static partial Regex NegativeNumber();

    private static Option? OptionOf(SymbolResult? result) => result switch
    {
        OptionResult o => o.Option,
        ArgumentResult { Parent: OptionResult o } => o.Option,
        _ => null,
    };

    private static Command? OwnerOf(SymbolResult? result) => result switch
    {
        OptionResult { Parent: CommandResult c } => c.Command,
        ArgumentResult { Parent: OptionResult { Parent: CommandResult c } } => c.Command,
        _ => null,
    };

    /// <summary>An option with no value says what argparse says; any other error is the validator's text.</summary>
    private static string OptionMessage(ParseError error)
    {
        var option = OptionOf(error.SymbolResult)!;
        var tokens = error.SymbolResult?.Tokens.Count ?? 0;
        return tokens == 0 && option.Arity.MinimumNumberOfValues > 0 ? "expected one argument" : error.Message;
    }

    private static IEnumerable<string> OptionNames(Option option) =>
        option.Aliases.Where(a => a.Length == 2).Concat(option.Aliases.Prepend(option.Name).Where(a => a.Length != 2).Distinct(StringComparer.Ordinal));

    /// <summary>S.CL's "Required command was not provided": the root alone is Barman's help, not an error.</summary>
    private static bool IsMissingCommand(ParseError error, RootCommand root) =>
        error.SymbolResult is CommandResult { Command: var c } && c == root;
}
