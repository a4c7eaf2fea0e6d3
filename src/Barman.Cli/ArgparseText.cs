using System.CommandLine;
using System.Text;

namespace Barman.Cli;

/// <summary>
/// Usage and help in the layout of Barman's argparse (<c>usage: barman check [-h] [--nagios] server_name
/// [server_name ...]</c>, <c>positional arguments:</c>, <c>options:</c>), built from the command tree,
/// plus what argparse lacks: each verb's examples and exit codes.
/// </summary>
internal static class ArgparseText
{
    public const string Program = "barman";
    private const int Width = 80;
    private const int MaxHelpPosition = 26;

    /// <summary>The program name argparse prints for a command: <c>barman</c> or <c>barman check</c>.</summary>
    public static string Prog(Command command) => command is RootCommand ? Program : $"{Program} {command.Name}";

    /// <summary>Python's <c>repr()</c> of a string, as argparse quotes values in its messages.</summary>
    public static string Repr(string value) =>
        value.Contains('\'', StringComparison.Ordinal) && !value.Contains('"', StringComparison.Ordinal)
            ? "\"" + value + "\""
            : "'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    /// <summary>The usage line(s), wrapped as argparse wraps them.</summary>
    public static string Usage(Command command)
    {
        var parts = new List<string> { "[-h]" };
        parts.AddRange(VisibleOptions(command).Select(o => "[" + Invocation(o, o.Aliases.FirstOrDefault(IsShort) ?? o.Name) + "]"));
        parts.AddRange(command.Arguments.Select(ArgumentUsage));
        if (command.Subcommands.Count > 0)
            parts.Add("{" + string.Join(',', VerbNames(command).Order(StringComparer.Ordinal)) + "} ...");

        var prefix = "usage: " + Prog(command);
        var text = new StringBuilder(prefix);
        var line = prefix.Length;
        foreach (var part in parts)
        {
            if (line + 1 + part.Length > Width - 2 && line > prefix.Length)
            {
                text.Append('\n').Append(' ', prefix.Length);
                line = prefix.Length;
            }
            text.Append(' ').Append(part);
            line += 1 + part.Length;
        }
        return text.Append('\n').ToString();
    }

    /// <summary>The whole <c>--help</c> text of <paramref name="command"/>.</summary>
    public static string Help(Command command)
    {
        var text = new StringBuilder(Usage(command));
        if (!string.IsNullOrEmpty(command.Description))
            text.Append('\n').Append(Wrap(command.Description, 0)).Append('\n');

        var positional = command.Arguments.Select(a => (a.Name, a.Description ?? "")).ToList();
        if (command.Subcommands.Count > 0)
        {
            positional.Add(("{" + string.Join(',', VerbNames(command).Order(StringComparer.Ordinal)) + "}", ""));
            positional.AddRange(command.Subcommands.OrderBy(c => c.Name, StringComparer.Ordinal)
                .Select(c => ("  " + c.Name + (c.Aliases.Count > 0 ? $" ({string.Join(", ", c.Aliases)})" : ""), c.Description ?? "")));
        }
        var options = new List<(string, string)> { ("-h, --help", "show this help message and exit") };
        options.AddRange(VisibleOptions(command).Select(o => (string.Join(", ", Names(o).Select(n => Invocation(o, n))), o.Description ?? "")));
        var column = Math.Min(MaxHelpPosition, positional.Concat(options).Max(r => r.Item1.Length) + 4);

        if (positional.Count > 0)
            Section(text, "positional arguments:", positional, column);
        Section(text, "options:", options, column);
        if (command is Verb verb)
        {
            if (verb.Examples.Count > 0)
                Section(text, "examples:", [.. verb.Examples.Select(e => (e, ""))], column);
            var codes = verb.ExitCodes.Append(Verb.CommandLineError).OrderBy(c => c.Code).Select(c => (c.Code.ToString(System.Globalization.CultureInfo.InvariantCulture), c.Meaning)).ToList();
            Section(text, "exit codes:", codes, 7);
        }
        return text.ToString();
    }

    /// <summary>Every name a verb can be called by, in the tree's order (each name, then its aliases).</summary>
    public static IEnumerable<string> VerbNames(Command root) => root.Subcommands.SelectMany(c => c.Aliases.Prepend(c.Name));

    private static void Section(StringBuilder text, string title, IReadOnlyList<(string Left, string Right)> rows, int column)
    {
        text.Append('\n').Append(title).Append('\n');
        foreach (var (left, right) in rows)
        {
            var head = "  " + left;
            if (right.Length == 0)
            {
                text.Append(head).Append('\n');
                continue;
            }
            var body = Wrap(right, column);
            if (head.Length + 2 <= column)
                text.Append(head.PadRight(column)).Append(body.TrimStart()).Append('\n');
            else
                text.Append(head).Append('\n').Append(body).Append('\n');
        }
    }

    /// <summary>Word-wraps <paramref name="words"/> to <see cref="Width"/>, every line indented by <paramref name="indent"/>.</summary>
    private static string Wrap(string words, int indent)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (var word in words.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && indent + line.Length + 1 + word.Length > Width - 2)
            {
                lines.Add(new string(' ', indent) + line);
                line.Clear();
            }
            if (line.Length > 0)
                line.Append(' ');
            line.Append(word);
        }
        if (line.Length > 0)
            lines.Add(new string(' ', indent) + line);
        return string.Join('\n', lines);
    }

    /// <summary>The options a user types (the help option is printed as <c>-h, --help</c> on its own).</summary>
    private static IEnumerable<Option> VisibleOptions(Command command) =>
        command.Options.Where(o => !o.Hidden && o is not System.CommandLine.Help.HelpOption);

    /// <summary>An option's names, short ones first, as argparse lists them.</summary>
    private static IEnumerable<string> Names(Option option) =>
        option.Aliases.Where(IsShort).Concat(option.Aliases.Prepend(option.Name).Where(n => !IsShort(n)).Distinct(StringComparer.Ordinal));

    private static bool IsShort(string name) => name.Length == 2 && name[0] == '-' && name[1] != '-';

    /// <summary><c>-c CONFIG</c>, <c>--target {all,hot-standby,wal-streamer}</c>, or a flag alone.</summary>
    private static string Invocation(Option option, string name) =>
        IsFlag(option) ? name : $"{name} {Metavar(option)}";

    /// <summary>A switch (argparse's <c>store_true</c>): it takes no value on our command line.</summary>
    private static bool IsFlag(Option option) => option.ValueType == typeof(bool) || option.Arity.MaximumNumberOfValues == 0;

    private static string Metavar(Option option) =>
        option.HelpName ?? option.Name.TrimStart('-').Replace('-', '_').ToUpperInvariant();

    private static string ArgumentUsage(Argument argument) => argument.Arity switch
    {
        { MinimumNumberOfValues: 0, MaximumNumberOfValues: > 1 } => $"[{argument.Name} ...]",
        { MinimumNumberOfValues: 0 } => $"[{argument.Name}]",
        { MaximumNumberOfValues: > 1 } => $"{argument.Name} [{argument.Name} ...]",
        _ => argument.Name,
    };
}
