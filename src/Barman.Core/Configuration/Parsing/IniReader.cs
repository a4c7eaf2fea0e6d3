using System.Text.RegularExpressions;
using Barman.Core.Text;

namespace Barman.Core.Configuration.Parsing;

/// <summary>
/// Reads an INI file with the semantics of Python's <c>ConfigParser(strict=False)</c>: <c>[section]</c>
/// headers, <c>key = value</c> or <c>key: value</c>, whole-line <c>#</c>/<c>;</c> comments, indented
/// continuation lines, lower-cased keys, duplicates allowed (the last wins).
/// </summary>
internal static partial class IniReader
{
    // ConfigParser's SECTCRE (greedy: "[a]b]" is the section "a]b") and OPTCRE (first '=' or ':').
    [GeneratedRegex(@"^\[(?<header>.+)\]", RegexOptions.CultureInvariant)]
    private static partial Regex SectionHeader();

    [GeneratedRegex(@"^(?<option>.*?)\s*(?<vi>[=:])\s*(?<value>.*)$", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex OptionLine();

    /// <exception cref="ConfigurationException">the text is not a valid INI file.</exception>
    public static RawDocument Parse(string text, string file)
    {
        var document = new RawDocument(file);
        string? section = null;
        string? option = null;
        List<string>? optionLines = null;
        var optionLine = 0;
        var indentLevel = 0;

        void Flush()
        {
            if (section is not null && option is not null && optionLines is not null)
            {
                var value = string.Join('\n', optionLines).TrimEnd();
                document.Add(section, option, new RawValue(value, file, optionLine));
            }
            option = null;
            optionLines = null;
        }

        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var lineNumber = i + 1;
            var line = lines[i].TrimEnd('\r');
            if (i == 0 && line.Length > 0 && line[0] == '\uFEFF')
                line = line[1..];
            var stripped = line.Trim();
            var isComment = stripped.StartsWith('#') || stripped.StartsWith(';');
            if (isComment || stripped.Length == 0)
            {
                // An empty line inside a value is kept (empty_lines_in_values); comment lines are dropped.
                if (!isComment && option is not null)
                    optionLines!.Add("");
                continue;
            }
            var indent = line.Length - line.TrimStart().Length;
            if (option is not null && indent > indentLevel)
            {
                optionLines!.Add(stripped);
                continue;
            }
            indentLevel = indent;
            var header = SectionHeader().Match(stripped);
            if (header.Success)
            {
                Flush();
                section = header.Groups["header"].Value;
                document.AddSection(section);
                continue;
            }
            if (section is null)
                throw Malformed(file, lineNumber, "the file must start with a [section] header");
            var match = OptionLine().Match(stripped);
            if (!match.Success || match.Groups["option"].Value.TrimEnd().Length == 0)
                throw Malformed(file, lineNumber, $"expected 'key = value', found '{Redactor.Redact(stripped)}'");
            Flush();
            option = match.Groups["option"].Value.TrimEnd().ToLowerInvariant();
            optionLines = [match.Groups["value"].Value.Trim()];
            optionLine = lineNumber;
        }
        Flush();
        return document;
    }

    internal static ConfigurationException Malformed(string file, int line, string problem) =>
        new($"Malformed configuration file '{file}' at line {line}: {problem}");
}
