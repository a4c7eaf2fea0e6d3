using System.Globalization;
using System.Text.RegularExpressions;

namespace Barman.Core.Checks;

/// <summary>One line of xlog.db: name, archived (compressed) size, source mtime, compression.</summary>
public sealed record XlogdbEntry(string Name, long Size, double Time, string? Compression);

/// <summary>A WAL segment name decoded (timeline, segment number with the log part folded in).</summary>
public sealed record WalSegment(string Name, uint Timeline, ulong Log, ulong Segment, bool Partial)
{
    /// <summary>Position of the segment on its timeline: log × segments-per-log + seg.</summary>
    public ulong Position(ulong segmentsPerLog) => (Log * segmentsPerLog) + Segment;
}

/// <summary>
/// What the WAL archive holds, read for the operator's commands: xlog.db lines (sizes, times) and the
/// files really present under <c>wals/</c> (a segment deleted by hand still has its xlog.db line).
/// </summary>
public static partial class WalArchiveContents
{
    /// <summary>Reads xlog.db (3, 4 or 5 columns); a missing file is an empty archive.</summary>
    public static IReadOnlyList<XlogdbEntry> ReadXlogdb(string path)
    {
        var entries = new List<XlogdbEntry>();
        if (!File.Exists(path))
            return entries;
        foreach (var line in File.ReadLines(path))
        {
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 3)
                continue;
            if (!long.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var size))
                continue;
            _ = double.TryParse(fields[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var time);
            var compression = fields.Length > 3 && fields[3] != "None" ? fields[3] : null;
            entries.Add(new XlogdbEntry(fields[0], size, time, compression));
        }
        return entries;
    }

    /// <summary>True when xlog.db is missing or empty (Barman's <c>WAL archive</c> test).</summary>
    public static bool XlogdbIsEmpty(string path) => !File.Exists(path) || new FileInfo(path).Length == 0;

    /// <summary>Segments (and <c>.partial</c> files) found in the hash directories of <paramref name="walsDirectory"/>.</summary>
    public static IReadOnlyList<WalSegment> ScanSegments(string walsDirectory)
    {
        var result = new List<WalSegment>();
        if (!Directory.Exists(walsDirectory))
            return result;
        foreach (var dir in Directory.EnumerateDirectories(walsDirectory))
        {
            if (!HashDirectory().IsMatch(Path.GetFileName(dir)))
                continue;
            foreach (var file in Directory.EnumerateFiles(dir))
            {
                if (ParseSegment(Path.GetFileName(file)) is { } segment)
                    result.Add(segment);
            }
        }
        return result;
    }

    /// <summary>Timelines whose <c>.history</c> file is in the archive root.</summary>
    public static IReadOnlySet<uint> ScanHistoryTimelines(string walsDirectory)
    {
        var result = new HashSet<uint>();
        if (!Directory.Exists(walsDirectory))
            return result;
        foreach (var file in Directory.EnumerateFiles(walsDirectory, "*.history"))
        {
            var m = HistoryName().Match(Path.GetFileName(file));
            if (m.Success)
                result.Add(uint.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        }
        return result;
    }

    /// <summary>A segment or <c>.partial</c> name, or null for anything else.</summary>
    public static WalSegment? ParseSegment(string name)
    {
        var m = SegmentName().Match(name);
        if (!m.Success)
            return null;
        return new WalSegment(
            name,
            uint.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            ulong.Parse(m.Groups[2].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            ulong.Parse(m.Groups[3].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            m.Groups[4].Success);
    }

    /// <summary>The segment name at <paramref name="position"/> on <paramref name="timeline"/>.</summary>
    public static string SegmentName(uint timeline, ulong position, ulong segmentsPerLog) =>
        string.Create(CultureInfo.InvariantCulture, $"{timeline:X8}{position / segmentsPerLog:X8}{position % segmentsPerLog:X8}");

    /// <summary>Path of an archived file (history files live in the archive root).</summary>
    public static string ArchivedPath(string walsDirectory, string name) =>
        name.EndsWith(".history", StringComparison.Ordinal)
            ? Path.Combine(walsDirectory, name)
            : Path.Combine(walsDirectory, name[..16], name);

    [GeneratedRegex("^[0-9A-Fa-f]{16}$")]
    private static partial Regex HashDirectory();

    [GeneratedRegex(@"^([0-9A-Fa-f]{8})([0-9A-Fa-f]{8})([0-9A-Fa-f]{8})(\.partial)?$")]
    private static partial Regex SegmentName();

    [GeneratedRegex(@"^([0-9A-Fa-f]{8})\.history$")]
    private static partial Regex HistoryName();
}
