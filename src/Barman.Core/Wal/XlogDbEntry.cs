using System.Globalization;
using Barman.Core.Text;

namespace Barman.Core.Wal;

/// <summary>
/// One xlog.db line (spec §3.1): <c>name\tsize\ttime\tcompression\n</c>. Size is the archived
/// (compressed) size; time is the source file's st_mtime; compression null is written <c>None</c>.
/// </summary>
internal sealed record XlogDbEntry(string Name, long Size, double Time, string? Compression, string? Encryption = null)
{
    /// <summary>The line as Barman 3.4 writes it, time in Python float repr, with the newline.</summary>
    public string ToLine() =>
        $"{Name}\t{Size.ToString(CultureInfo.InvariantCulture)}\t{PythonFloat.Format(Time)}\t{Compression ?? "None"}\n";

    /// <summary>Parses a 3-, 4- or 5-column line split on any whitespace (Barman's <c>from_xlogdb_line</c>); null if malformed.</summary>
    public static XlogDbEntry? TryParse(string line)
    {
        var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is < 3 or > 5)
            return null;
        if (!long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var size)
            || !double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var time))
            return null;
        var compression = parts.Length >= 4 && parts[3] != "None" ? parts[3] : null;
        var encryption = parts.Length == 5 && parts[4] != "None" ? parts[4] : null;
        return new XlogDbEntry(parts[0], size, time, compression, encryption);
    }
}
