using System.Text.RegularExpressions;

namespace Barman.Core.Text;

/// <summary>Removes passwords from any text shown or logged (Barman's <c>redact_passwords</c>, plus quoted values).</summary>
internal static partial class Redactor
{
    public const string Mask = "*REDACTED*";

    // password=value | password='quoted value' (libpq conninfo), and scheme://user:pw@ in URIs
    [GeneratedRegex(@"(?<key>password\s*=\s*)(?:'(?:[^'\\]|\\.)*'|[^\s&]*)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex KeyValuePassword();

    [GeneratedRegex(@"(?<prefix>[a-z][a-z0-9+.-]*://[^:/@\s]*:)(?<pw>[^@\s]*)(?=@)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UriPassword();

    // Azure: a SAS token's signature (sig=) in a URL, an account key or SAS in a connection string
    [GeneratedRegex(@"(?<key>(?:[?&;]sig=|AccountKey=|SharedAccessSignature=))[^&;\s]*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AzureSecret();

    public static string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return text ?? "";
        if (text.IndexOf("password", StringComparison.OrdinalIgnoreCase) < 0 && !text.Contains("://", StringComparison.Ordinal)
            && text.IndexOf("AccountKey", StringComparison.OrdinalIgnoreCase) < 0 && text.IndexOf("SharedAccessSignature", StringComparison.OrdinalIgnoreCase) < 0)
            return text;
        var result = KeyValuePassword().Replace(text, m => m.Groups["key"].Value + Mask);
        result = AzureSecret().Replace(result, m => m.Groups["key"].Value + Mask);
        return UriPassword().Replace(result, m => m.Groups["prefix"].Value + Mask);
    }
}
