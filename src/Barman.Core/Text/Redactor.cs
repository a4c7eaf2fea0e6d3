using System.Text;
using System.Text.RegularExpressions;

namespace Barman.Core.Text;

/// <summary>
/// Removes passwords from text shown or logged (Barman's <c>redact_passwords</c>, extended to every
/// libpq conninfo form). A secret is the value of <c>password=</c> (bare, single-quoted, or quoted and
/// never closed: libpq then reads to the end, and so does the mask) and the password of a URI's
/// <c>user:password@</c>, percent-encoded or not. Messages that quote a value or part of one are built
/// from its redacted form (<see cref="Redact(string?)"/>, <see cref="RedactFragment"/>), so that no
/// secret reaches a message whose surroundings could hide it from a later pass.
/// </summary>
internal static partial class Redactor
{
    public const string Mask = "*REDACTED*";

    // password = value: 'quoted' (backslash escapes; unterminated runs to the end) or bare up to a blank or '&' (URI query).
    [GeneratedRegex(@"password\s*=\s*(?<value>'(?:[^'\\]|\\.)*(?:'|\\?\z)|[^\s&]*)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex KeyValuePassword();

    // scheme://user:password@ — libpq's user info ends at the first '@' and never holds a '/'.
    [GeneratedRegex(@"[a-z][a-z0-9+.-]*://[^:/@\s]*:(?<value>[^@/\s]*)(?=@)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UriPassword();

    // Azure: a SAS token's signature (sig=) in a URL, an account key or SAS in a connection string.
    [GeneratedRegex(@"(?:[?&;]sig=|AccountKey=|SharedAccessSignature=)(?<value>[^&;\s]*)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AzureSecret();

    /// <summary><paramref name="text"/> with every secret replaced by <see cref="Mask"/>.</summary>
    public static string Redact(string? text) => string.IsNullOrEmpty(text) ? text ?? "" : RedactFragment(text, 0);

    /// <summary>
    /// <c>text[start..]</c> with every secret found in the WHOLE <paramref name="text"/> masked: the
    /// way to quote the tail of a value (an error pointing into it) without losing the context that
    /// tells a secret apart.
    /// </summary>
    public static string RedactFragment(string text, int start)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start, text.Length);
        var secrets = Secrets(text);
        if (secrets.Count == 0)
            return text[start..];
        var result = new StringBuilder(text.Length - start);
        var position = start;
        foreach (var (from, to) in secrets)
        {
            if (to <= position)
                continue;
            if (from > position)
                result.Append(text, position, from - position);
            result.Append(Mask);
            position = to;
        }
        if (position < text.Length)
            result.Append(text, position, text.Length - position);
        return result.ToString();
    }

    /// <summary>The spans [from, to) of the secrets in <paramref name="text"/>, sorted and merged.</summary>
    private static List<(int From, int To)> Secrets(string text)
    {
        var spans = new List<(int From, int To)>();
        if (text.IndexOf("password", StringComparison.OrdinalIgnoreCase) < 0 && !text.Contains("://", StringComparison.Ordinal)
            && text.IndexOf("AccountKey", StringComparison.OrdinalIgnoreCase) < 0
            && text.IndexOf("SharedAccessSignature", StringComparison.OrdinalIgnoreCase) < 0)
            return spans;
        foreach (var regex in new[] { KeyValuePassword(), UriPassword(), AzureSecret() })
        {
            foreach (Match match in regex.Matches(text))
            {
                var value = match.Groups["value"];
                spans.Add((value.Index, value.Index + value.Length));
            }
        }
        spans.Sort();
        var merged = new List<(int From, int To)>(spans.Count);
        foreach (var span in spans)
        {
            if (merged.Count > 0 && span.From <= merged[^1].To)
                merged[^1] = (merged[^1].From, Math.Max(merged[^1].To, span.To));
            else
                merged.Add(span);
        }
        return merged;
    }
}
