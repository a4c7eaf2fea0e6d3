using System.Globalization;
using System.Text;
using Barman.Core.Text;

namespace Barman.Core.Postgres;

/// <summary>
/// A libpq connection string as an ordered list of keyword/value pairs. Parses both the
/// <c>key=value</c> form (single-quoted values, backslash escapes) and <c>postgresql://</c> URIs,
/// and formats back to a key=value string that libpq (and pg_receivewal) accept.
/// </summary>
internal sealed class Conninfo
{
    private readonly List<KeyValuePair<string, string>> _pairs;

    private Conninfo(List<KeyValuePair<string, string>> pairs) => _pairs = pairs;

    public IReadOnlyList<KeyValuePair<string, string>> Pairs => _pairs;

    /// <summary>The value of <paramref name="key"/> (the last one wins, as in libpq), or null.</summary>
    public string? this[string key]
    {
        get
        {
            for (var i = _pairs.Count - 1; i >= 0; i--)
            {
                if (_pairs[i].Key == key)
                    return _pairs[i].Value;
            }
            return null;
        }
    }

    public bool Contains(string key) => this[key] is not null;

    /// <exception cref="ConninfoException">not a valid connection string.</exception>
    public static Conninfo Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        return trimmed.StartsWith("postgresql://", StringComparison.Ordinal) || trimmed.StartsWith("postgres://", StringComparison.Ordinal)
            ? ParseUri(trimmed, text)
            : ParseKeyValue(text);
    }

    public static bool TryParse(string text, out Conninfo? conninfo)
    {
        try
        {
            conninfo = Parse(text);
            return true;
        }
        catch (ConninfoException)
        {
            conninfo = null;
            return false;
        }
    }

    /// <summary>A copy where <paramref name="key"/> is set to <paramref name="value"/> (replacing every earlier occurrence).</summary>
    public Conninfo With(string key, string value)
    {
        var pairs = _pairs.Where(p => p.Key != key).ToList();
        pairs.Add(new(key, value));
        return new Conninfo(pairs);
    }

    /// <summary>A copy without any occurrence of <paramref name="key"/>.</summary>
    public Conninfo Without(string key) => new([.. _pairs.Where(p => p.Key != key)]);

    /// <summary>
    /// Barman's streaming DSN (<c>StreamingConnection.get_connection_string</c>): <c>dbname=replication</c>,
    /// <c>replication=true</c>, <c>options=-cdatestyle=iso</c> forced, keys sorted, and
    /// <c>application_name</c> appended last unless the user set one.
    /// </summary>
    public string ToStreamingConnectionString(string applicationName)
    {
        var dict = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in _pairs)
            dict[k] = v;
        dict["replication"] = "true";
        dict["options"] = "-cdatestyle=iso";
        dict["dbname"] = "replication";
        var text = string.Join(' ', dict.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => Format(p.Key, p.Value)));
        if (!dict.ContainsKey("application_name"))
            text += " " + Format("application_name", applicationName);
        return text;
    }

    /// <summary>key=value pairs joined by spaces, values quoted only when libpq needs it.</summary>
    public override string ToString() => string.Join(' ', _pairs.Select(p => Format(p.Key, p.Value)));

    /// <summary>One <c>key=value</c>, quoting the value as libpq requires (empty, blanks, quote, backslash).</summary>
    public static string Format(string key, string value)
    {
        var needsQuotes = value.Length == 0 || value.Any(c => char.IsWhiteSpace(c) || c == '\'' || c == '\\');
        if (!needsQuotes)
            return key + "=" + value;
        var sb = new StringBuilder(key.Length + value.Length + 4).Append(key).Append("='");
        foreach (var c in value)
        {
            if (c is '\'' or '\\')
                sb.Append('\\');
            sb.Append(c);
        }
        return sb.Append('\'').ToString();
    }

    private static Conninfo ParseKeyValue(string text)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        var i = 0;
        // Where the last password value began: a word that follows it without '=' is most likely
        // the rest of an unquoted password with a blank, so an error there masks from this point on.
        var passwordStart = -1;
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
                i++;
            if (i >= text.Length)
                break;
            var keyStart = i;
            while (i < text.Length && text[i] != '=' && !char.IsWhiteSpace(text[i]))
                i++;
            var key = text[keyStart..i];
            while (i < text.Length && char.IsWhiteSpace(text[i]))
                i++;
            if (key.Length == 0 || i >= text.Length || text[i] != '=')
            {
                if (pairs.Count > 0 && pairs[^1].Key == "password")
                    throw Invalid(text, passwordStart, "missing \"=\" after the password value");
                throw Invalid(text, key.Length == 0 ? "missing keyword" : $"missing \"=\" after \"{key}\"");
            }
            i++;
            while (i < text.Length && char.IsWhiteSpace(text[i]))
                i++;
            passwordStart = key == "password" ? i : passwordStart;
            var value = new StringBuilder();
            if (i < text.Length && text[i] == '\'')
            {
                i++;
                var closed = false;
                while (i < text.Length)
                {
                    var c = text[i++];
                    if (c == '\\' && i < text.Length)
                    {
                        value.Append(text[i++]);
                    }
                    else if (c == '\'')
                    {
                        closed = true;
                        break;
                    }
                    else
                    {
                        value.Append(c);
                    }
                }
                if (!closed)
                    throw Invalid(text, "unterminated quoted string");
            }
            else
            {
                while (i < text.Length && !char.IsWhiteSpace(text[i]))
                {
                    var c = text[i++];
                    if (c == '\\' && i < text.Length)
                        value.Append(text[i++]);
                    else
                        value.Append(c);
                }
            }
            pairs.Add(new(key, value.ToString()));
        }
        return new Conninfo(pairs);
    }

    private static Conninfo ParseUri(string uri, string original)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        var rest = uri[(uri.IndexOf("://", StringComparison.Ordinal) + 3)..];
        string? query = null;
        var q = rest.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            query = rest[(q + 1)..];
            rest = rest[..q];
        }
        string? path = null;
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            path = rest[(slash + 1)..];
            rest = rest[..slash];
        }
        var at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = rest[..at];
            rest = rest[(at + 1)..];
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            var user = colon >= 0 ? userInfo[..colon] : userInfo;
            if (user.Length > 0)
                pairs.Add(new("user", Decode(user, original)));
            if (colon >= 0)
                pairs.Add(new("password", Decode(userInfo[(colon + 1)..], original, secret: true)));
        }
        if (rest.Length > 0)
        {
            var hosts = new List<string>();
            var ports = new List<string>();
            foreach (var spec in rest.Split(','))
            {
                string host, port = "";
                if (spec.StartsWith('['))
                {
                    var close = spec.IndexOf(']', StringComparison.Ordinal);
                    if (close < 0)
                        throw Invalid(original, "missing \"]\" in IPv6 host address");
                    host = spec[1..close];
                    var after = spec[(close + 1)..];
                    if (after.StartsWith(':'))
                        port = after[1..];
                    else if (after.Length > 0)
                        throw Invalid(original, "unexpected character after IPv6 host address");
                }
                else
                {
                    var colon = spec.LastIndexOf(':');
                    host = colon >= 0 ? spec[..colon] : spec;
                    port = colon >= 0 ? spec[(colon + 1)..] : "";
                }
                if (port.Length > 0 && !port.All(char.IsAsciiDigit))
                    throw Invalid(original, $"invalid port number: \"{port}\"");
                hosts.Add(Decode(host, original));
                ports.Add(port);
            }
            if (hosts.Any(h => h.Length > 0))
                pairs.Add(new("host", string.Join(',', hosts)));
            if (ports.Any(p => p.Length > 0))
                pairs.Add(new("port", string.Join(',', ports)));
        }
        if (!string.IsNullOrEmpty(path))
            pairs.Add(new("dbname", Decode(path, original)));
        if (!string.IsNullOrEmpty(query))
        {
            foreach (var param in query.Split('&'))
            {
                if (param.Length == 0)
                    continue;
                var eq = param.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                    throw Invalid(original, $"missing key/value separator \"=\" in URI query parameter: \"{param}\"");
                var key = Decode(param[..eq], original);
                // libpq accepts the JDBC-style ssl=true as sslmode=require.
                if (key == "ssl" && param[(eq + 1)..] == "true")
                    pairs.Add(new("sslmode", "require"));
                else
                    pairs.Add(new(key, Decode(param[(eq + 1)..], original, secret: key == "password")));
            }
        }
        return new Conninfo(pairs);
    }

    /// <param name="text">the percent-encoded part.</param>
    /// <param name="original">the whole connection string, for the error.</param>
    /// <param name="secret">the part is a password: an error does not quote it.</param>
    private static string Decode(string text, string original, bool secret = false)
    {
        if (!text.Contains('%', StringComparison.Ordinal))
            return text;
        var bytes = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '%')
            {
                var shown = secret ? " in the password" : $": \"{text}\"";
                if (i + 2 >= text.Length || !byte.TryParse(text.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
                    throw Invalid(original, "invalid percent-encoded token" + shown);
                if (b == 0)
                    throw Invalid(original, "forbidden value %00 in percent-encoded value" + shown);
                bytes.Add(b);
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(text[i].ToString()));
            }
        }
        return Encoding.UTF8.GetString([.. bytes]);
    }

    /// <summary>The error, quoting <paramref name="text"/> redacted (Barman quotes the whole string).</summary>
    private static ConninfoException Invalid(string text, string reason) =>
        new($"\"{Redactor.Redact(text)}\" is not a valid connection string: {reason}");

    /// <summary>The error, quoting <paramref name="text"/> masked from <paramref name="secretFrom"/> on.</summary>
    private static ConninfoException Invalid(string text, int secretFrom, string reason) =>
        new($"\"{Redactor.Redact(text[..secretFrom])}{Redactor.Mask}\" is not a valid connection string: {reason}");
}
