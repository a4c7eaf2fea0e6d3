using System.Text.RegularExpressions;
using System.Text;
using Barman.Core.Text;

namespace Barman.Core.Configuration.Parsing;

/// <summary>
/// ConfigParser's BasicInterpolation: <c>%(key)s</c> is replaced by the value of <c>key</c> (itself
/// interpolated in the same context), <c>%%</c> is a literal <c>%</c>. Where the key is looked up is
/// the caller's business (same section, <c>[DEFAULT]</c>, built-ins, <c>[barman]</c>). Errors quote
/// values redacted (a conninfo's password never reaches the message).
/// </summary>
internal static partial class Interpolator
{
    private const int MaxDepth = 10;

    [GeneratedRegex(@"^%\((?<key>[^)]+)\)s", RegexOptions.CultureInvariant)]
    private static partial Regex KeyReference();

    /// <summary>Interpolates <paramref name="raw"/>, the value of <paramref name="option"/> in <paramref name="section"/>.</summary>
    /// <param name="lookup">returns the raw (not yet interpolated) value of a referenced key, or null.</param>
    /// <exception cref="ConfigurationException">a reference is missing, malformed or recursive.</exception>
    public static string Interpolate(string raw, string option, string section, Func<string, string?> lookup)
    {
        var result = new StringBuilder();
        Expand(raw, result, 1);
        return result.ToString();

        void Expand(string rest, StringBuilder accum, int depth)
        {
            if (depth > MaxDepth)
            {
                throw new ConfigurationException(
                    $"Recursion limit exceeded in value substitution: option {PyRepr.Str(option)} in section {PyRepr.Str(section)} " +
                    $"contains an interpolation key which cannot be substituted in {MaxDepth} steps. Raw value: {PyRepr.Str(Redactor.Redact(raw))}");
            }
            var text = rest;
            while (rest.Length > 0)
            {
                var p = rest.IndexOf('%', StringComparison.Ordinal);
                if (p < 0)
                {
                    accum.Append(rest);
                    return;
                }
                accum.Append(rest, 0, p);
                rest = rest[p..];
                var next = rest.Length > 1 ? rest[1] : '\0';
                if (next == '%')
                {
                    accum.Append('%');
                    rest = rest[2..];
                }
                else if (next == '(')
                {
                    var match = KeyReference().Match(rest);
                    if (!match.Success)
                    {
                        throw new ConfigurationException(
                            $"Bad interpolation variable reference {PyRepr.Str(Tail(text, rest))} in option {PyRepr.Str(option)} of section {PyRepr.Str(section)}");
                    }
                    var key = match.Groups["key"].Value.ToLowerInvariant();
                    rest = rest[match.Length..];
                    var value = lookup(key) ?? throw new ConfigurationException(
                        $"Bad value substitution: option {PyRepr.Str(option)} in section {PyRepr.Str(section)} contains an interpolation key " +
                        $"{PyRepr.Str(key)} which is not a valid option name. Raw value: {PyRepr.Str(Redactor.Redact(raw))}");
                    if (value.Contains('%', StringComparison.Ordinal))
                        Expand(value, accum, depth + 1);
                    else
                        accum.Append(value);
                }
                else
                {
                    throw new ConfigurationException(
                        $"'%' must be followed by '%' or '(', found: {PyRepr.Str(Tail(text, rest))} in option {PyRepr.Str(option)} of section {PyRepr.Str(section)}");
                }
            }
        }
    }

    /// <summary><paramref name="rest"/>, the unparsed end of <paramref name="text"/>, redacted as part of the whole value.</summary>
    private static string Tail(string text, string rest) => Redactor.RedactFragment(text, text.Length - rest.Length);
}
