using System.Globalization;
using Barman.Core.Text;
using Tomlyn.Parsing;
using Tomlyn.Syntax;

namespace Barman.Core.Configuration.Parsing;

/// <summary>
/// Reads a TOML configuration through Tomlyn's syntax tree (no reflection: NativeAOT clean). Every
/// top-level table is a section (<c>[barman]</c> global, the others servers); values may be strings,
/// integers or booleans and become the same text an INI file would hold, so both formats resolve
/// through one pipeline. Keys are lower-cased like ConfigParser does.
/// </summary>
internal static class TomlReader
{
    /// <exception cref="ConfigurationException">the text is not valid TOML or does not fit the layout.</exception>
    public static RawDocument Parse(string text, string file)
    {
        var syntax = SyntaxParser.Parse(text, file, validate: true);
        foreach (var diagnostic in syntax.Diagnostics)
        {
            if (diagnostic.Kind == DiagnosticMessageKind.Error)
                throw IniReader.Malformed(file, Line(diagnostic.Span), Redactor.Redact(diagnostic.Message));
        }
        var document = new RawDocument(file);
        foreach (var keyValue in syntax.KeyValues)
        {
            throw IniReader.Malformed(file, Line(keyValue.Span),
                $"key '{KeyName(keyValue.Key, file)}' is outside any table: put it under [barman] or a [server] table");
        }
        foreach (var table in syntax.Tables)
        {
            if (table is not TableSyntax)
                throw IniReader.Malformed(file, Line(table.Span), "arrays of tables ([[...]]) are not supported");
            var name = KeyName(table.Name, file);
            document.AddSection(name);
            foreach (var item in table.Items)
            {
                var key = KeyName(item.Key, file).ToLowerInvariant();
                document.Add(name, key, new RawValue(ValueText(item, key, file), file, Line(item.Span)));
            }
        }
        return document;
    }

    private static string KeyName(KeySyntax? key, string file)
    {
        if (key?.Key is null)
            throw IniReader.Malformed(file, Line(key?.Span ?? default), "missing key");
        if (key.DotKeys is { ChildrenCount: > 0 })
            throw IniReader.Malformed(file, Line(key.Span), "dotted keys and nested tables are not supported");
        return key.Key switch
        {
            BareKeySyntax bare => bare.Key?.Text ?? "",
            StringValueSyntax quoted => quoted.Value ?? "",
            _ => throw IniReader.Malformed(file, Line(key.Span), "unsupported key"),
        };
    }

    private static string ValueText(KeyValueSyntax item, string key, string file) => item.Value switch
    {
        StringValueSyntax s => s.Value ?? "",
        IntegerValueSyntax i => i.Value.ToString(CultureInfo.InvariantCulture),
        BooleanValueSyntax b => b.Value ? "true" : "false",
        _ => throw IniReader.Malformed(file, Line(item.Span), $"the value of '{key}' must be a string, an integer or a boolean"),
    };

    private static int Line(SourceSpan span) => span.Start.Line + 1;
}
