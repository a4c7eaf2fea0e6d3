using System.Globalization;
using System.Text.RegularExpressions;

namespace Barman.Core.Postgres;

/// <summary>
/// A PostgreSQL version as a <c>server_version_num</c>-style number (150018 = 15.18, 90624 = 9.6.24).
/// Parses the server's <c>server_version_num</c> and client tools' <c>--version</c> lines robustly
/// (distribution suffixes, <c>devel</c>/<c>beta</c>/<c>rc</c> builds, Debian epochs).
/// </summary>
internal sealed partial record PgVersion(int Number) : IComparable<PgVersion>
{
    /// <summary>The major release as a number: 150000 for 15.x, 90600 for 9.6.x.</summary>
    public int MajorNumber => Number >= 100000 ? Number / 10000 * 10000 : Number / 100 * 100;

    /// <summary>Barman's <c>simplify_version</c>: <c>15</c>, <c>9.6</c>.</summary>
    public string Major => Number >= 100000
        ? (Number / 10000).ToString(CultureInfo.InvariantCulture)
        : $"{Number / 10000}.{Number / 100 % 100}";

    /// <summary>Barman's <c>int_version_to_string_version</c>: <c>15.18</c>, <c>9.6.24</c>.</summary>
    public string Full => Number >= 100000
        ? $"{Number / 10000}.{Number % 10000}"
        : $"{Number / 10000}.{Number / 100 % 100}.{Number % 100}";

    public override string ToString() => Full;

    public int CompareTo(PgVersion? other) => other is null ? 1 : Number.CompareTo(other.Number);

    public static PgVersion FromServerVersionNum(int number) => new(number);

    /// <summary>Parses <c>server_version_num</c> (e.g. <c>150018</c>).</summary>
    public static PgVersion? ParseServerVersionNum(string? text) =>
        int.TryParse(text?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? new PgVersion(n) : null;

    /// <summary>
    /// Parses a client's <c>--version</c> output: <c>pg_receivewal (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)</c>,
    /// <c>pg_receivewal (PostgreSQL) 16devel</c>, <c>17beta2</c>, <c>9.6.24</c>, <c>1:15.3</c> (epoch). Null when no version is found.
    /// </summary>
    public static PgVersion? ParseClientVersion(string? output)
    {
        if (string.IsNullOrWhiteSpace(output))
            return null;
        // Barman drops every parenthesised part first (distribution notes, "(PostgreSQL)").
        var text = Parentheses().Replace(output.Trim(), "");
        foreach (var token in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var m = VersionToken().Match(token);
            if (!m.Success)
                continue;
            var major = int.Parse(m.Groups["major"].Value, CultureInfo.InvariantCulture);
            var minor = m.Groups["minor"].Success ? int.Parse(m.Groups["minor"].Value, CultureInfo.InvariantCulture) : 0;
            var patch = m.Groups["patch"].Success ? int.Parse(m.Groups["patch"].Value, CultureInfo.InvariantCulture) : 0;
            if (major >= 10)
                return new PgVersion((major * 10000) + (m.Groups["minor"].Success && !m.Groups["tag"].Success ? minor : 0));
            if (major is >= 7 and <= 9)
                return new PgVersion((major * 10000) + (minor * 100) + patch);
        }
        return null;
    }

    [GeneratedRegex(@"\s*\([^)]*\)")]
    private static partial Regex Parentheses();

    // optional Debian epoch "N:", then 15 | 15.18 | 9.6.24 | 16devel | 17beta2 | 15rc1 | 9.6beta1
    [GeneratedRegex(@"^(?:\d+:)?(?<major>\d+)(?:\.(?<minor>\d+))?(?:\.(?<patch>\d+))?(?<tag>devel|alpha\d*|beta\d*|rc\d*)?(?:[-+~.].*)?$")]
    private static partial Regex VersionToken();
}
