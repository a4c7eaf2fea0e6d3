using System.CommandLine;
using System.Globalization;

namespace Barman.Cli;

/// <summary>The arguments and options verbs share, and the parsers of option values: commands only declare them.</summary>
internal static class Symbols
{
    /// <summary>The server of a single-server verb.</summary>
    public static Argument<string> ServerName() => new("server_name") { Description = "specifies the server name for the command" };

    /// <summary>The servers of a multi-server verb: one or more names, or <c>all</c>.</summary>
    public static Argument<string[]> ServerNames(string description = "specifies the server names to show ('all' will show all available servers)") =>
        new("server_name") { Description = description, Arity = ArgumentArity.OneOrMore };

    /// <summary>The names given to <see cref="ServerNames"/>.</summary>
    public static IReadOnlyList<string> GetNames(this ParseResult parse, Argument<string[]> servers) => parse.GetValue(servers) ?? [];

    /// <summary>Barman's <c>check_non_negative</c>: digits only, else <c>'&lt;v&gt;' is not a valid non negative integer</c>.</summary>
    public static Option<int> NonNegativeInteger(string name, string description, int defaultValue) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                return value;
            result.AddError($"'{text}' is not a valid non negative integer");
            return 0;
        },
    };

    /// <summary>An option taking one of <paramref name="choices"/>' words (argparse's <c>choices</c>), read as its value.</summary>
    public static ChoiceOption<T> Choice<T>(string name, string description, string defaultWord, params (string Word, T Value)[] choices) =>
        new(name, description, defaultWord, choices);

    /// <summary>
    /// argparse's <c>choices</c>: any other word is <c>invalid choice: 'x' (choose from 'a', 'b')</c>,
    /// and help and usage show <c>{a,b}</c>.
    /// </summary>
    public static TOption OneOf<TOption>(this TOption option, params string[] words)
        where TOption : Option
    {
        option.HelpName = "{" + string.Join(',', words) + "}";
        option.Validators.Add(result =>
        {
            foreach (var token in result.Tokens.Where(t => !words.Contains(t.Value, StringComparer.Ordinal)))
                result.AddError($"invalid choice: {ArgparseText.Repr(token.Value)} (choose from {string.Join(", ", words.Select(ArgparseText.Repr))})");
        });
        return option;
    }
}

/// <summary>A word option whose words stand for values: help and errors list the words, the verb gets the value.</summary>
internal sealed class ChoiceOption<T>
{
    private readonly Dictionary<string, T> _values;

    public ChoiceOption(string name, string description, string defaultWord, (string Word, T Value)[] choices)
    {
        _values = choices.ToDictionary(c => c.Word, c => c.Value, StringComparer.Ordinal);
        Option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => defaultWord }.OneOf([.. choices.Select(c => c.Word)]);
    }

    public Option<string> Option { get; }

    public T GetValue(ParseResult parse) => _values[parse.GetValue(Option)!];
}
