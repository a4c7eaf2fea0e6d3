using System.Globalization;
using System.Text.RegularExpressions;

namespace Barman.Core.Wal;

/// <summary>What a name in the WAL archive is (Barman's <c>xlog.py</c> classification).</summary>
internal enum WalFileKind
{
    /// <summary>Not a WAL archive name at all.</summary>
    Unknown,
    /// <summary>A complete segment, e.g. <c>000000010000000000000001</c>.</summary>
    Segment,
    /// <summary><c>&lt;segment&gt;.partial</c>, written by pg_receivewal.</summary>
    Partial,
    /// <summary><c>&lt;tli&gt;.history</c>.</summary>
    History,
    /// <summary><c>&lt;segment&gt;.&lt;offset&gt;.backup</c>.</summary>
    BackupLabel,
}

/// <summary>A decoded segment name: timeline, log id and segment number within the log (all from the hex name).</summary>
internal readonly record struct SegmentName(uint Timeline, uint Log, uint Segment)
{
    public override string ToString() => $"{Timeline:X8}{Log:X8}{Segment:X8}";
}

/// <summary>
/// WAL file names (spec §4), the one home of their rules: the classification regex, decoding, the
/// hash directory of the archive layout, and the name of a segment from its number or an LSN.
/// </summary>
internal static partial class WalFileName
{
    [GeneratedRegex(@"^([0-9A-Fa-f]{8})(?:([0-9A-Fa-f]{8})([0-9A-Fa-f]{8})(?:\.[0-9A-Fa-f]{8}\.backup|\.partial)?|\.history)$", RegexOptions.CultureInvariant)]
    private static partial Regex XlogRegex();

    public static WalFileKind Classify(string name)
    {
        if (!XlogRegex().IsMatch(name))
            return WalFileKind.Unknown;
        if (name.EndsWith(".partial", StringComparison.Ordinal))
            return WalFileKind.Partial;
        if (name.EndsWith(".history", StringComparison.Ordinal))
            return WalFileKind.History;
        if (name.EndsWith(".backup", StringComparison.Ordinal))
            return WalFileKind.BackupLabel;
        return WalFileKind.Segment;
    }

    /// <summary>Barman's <c>is_any_xlog_file</c>: segment, <c>.partial</c>, <c>.history</c> or <c>.backup</c>.</summary>
    public static bool IsAnyXlogFile(string name) => Classify(name) != WalFileKind.Unknown;

    /// <summary>Barman's <c>is_wal_file</c>: a complete segment name only.</summary>
    public static bool IsWalFile(string name) => Classify(name) == WalFileKind.Segment;

    public static bool IsPartialFile(string name) => Classify(name) == WalFileKind.Partial;

    public static bool IsHistoryFile(string name) => Classify(name) == WalFileKind.History;

    /// <summary>Barman's <c>decode_segment_name</c> for names with a segment part (null for history files and unknown names).</summary>
    public static SegmentName? Decode(string name)
    {
        var match = XlogRegex().Match(name);
        if (!match.Success || !match.Groups[2].Success)
            return null;
        return new SegmentName(Hex(match.Groups[1].Value), Hex(match.Groups[2].Value), Hex(match.Groups[3].Value));
    }

    /// <summary>Timeline of any WAL archive name (history files included), or null.</summary>
    public static uint? Timeline(string name)
    {
        var match = XlogRegex().Match(name);
        return match.Success ? Hex(match.Groups[1].Value) : null;
    }

    /// <summary>
    /// Barman's <c>hash_dir</c>: <c>%08X%08X</c> of timeline and log for segments, partials and
    /// backup labels; empty (the wals root) for history files.
    /// </summary>
    /// <exception cref="ArgumentException">not a WAL archive name.</exception>
    public static string HashDirectory(string name)
    {
        var kind = Classify(name);
        if (kind == WalFileKind.Unknown)
            throw new ArgumentException($"'{name}' is not a valid WAL file name", nameof(name));
        if (kind == WalFileKind.History)
            return "";
        var decoded = Decode(name)!.Value;
        return $"{decoded.Timeline:X8}{decoded.Log:X8}";
    }

    /// <summary>Segments per 4 GiB log id (PostgreSQL's <c>XLogSegmentsPerXLogId</c>).</summary>
    public static ulong SegmentsPerLog(long segmentSize) => 0x1_0000_0000UL / (ulong)segmentSize;

    /// <summary>The name of segment number <paramref name="segmentNumber"/> (log id × segments per log + segment) on <paramref name="timeline"/>.</summary>
    public static string SegmentFileName(uint timeline, ulong segmentNumber, ulong segmentsPerLog) =>
        new SegmentName(timeline, (uint)(segmentNumber / segmentsPerLog), (uint)(segmentNumber % segmentsPerLog)).ToString();

    /// <summary>
    /// Barman's <c>location_to_xlogfile_name_offset</c>: the segment containing <paramref name="lsn"/>;
    /// an LSN exactly on a boundary names the NEXT segment (unlike <c>pg_walfile_name()</c>).
    /// </summary>
    public static string FromLsn(ulong lsn, uint timeline, long segmentSize) =>
        SegmentFileName(timeline, lsn / (ulong)segmentSize, SegmentsPerLog(segmentSize));

    private static uint Hex(string s) => uint.Parse(s, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
