using System.Globalization;

namespace Barman.Core.Wal;

/// <summary>
/// Log sequence numbers (<c>X/Y</c>) and the mapping between LSNs and segment file names for any
/// power-of-two segment size from 1 MiB to 1 GiB.
/// </summary>
internal static class Lsn
{
    public const long DefaultSegmentSize = 16L * 1024 * 1024;
    public const long MinSegmentSize = 1L * 1024 * 1024;
    public const long MaxSegmentSize = 1L * 1024 * 1024 * 1024;

    /// <summary>Parses <c>X/Y</c> (hex, each part up to 8 digits).</summary>
    /// <exception cref="FormatException">not an LSN.</exception>
    public static ulong Parse(string text)
    {
        if (!TryParse(text, out var lsn))
            throw new FormatException($"'{text}' is not a valid LSN");
        return lsn;
    }

    public static bool TryParse(string text, out ulong lsn)
    {
        lsn = 0;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash > 8 || text.Length - slash - 1 is < 1 or > 8)
            return false;
        if (!uint.TryParse(text.AsSpan(0, slash), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hi)
            || !uint.TryParse(text.AsSpan(slash + 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var lo))
            return false;
        lsn = ((ulong)hi << 32) | lo;
        return true;
    }

    /// <summary>PostgreSQL's <c>%X/%X</c>.</summary>
    public static string Format(ulong lsn) => $"{(uint)(lsn >> 32):X}/{(uint)lsn:X}";

    public static bool IsValidSegmentSize(long size) =>
        size is >= MinSegmentSize and <= MaxSegmentSize && (size & (size - 1)) == 0;

    /// <summary>Segments per 4 GiB log id (PostgreSQL's <c>XLogSegmentsPerXLogId</c>).</summary>
    public static ulong SegmentsPerLogId(long segmentSize)
    {
        CheckSegmentSize(segmentSize);
        return 0x1_0000_0000UL / (ulong)segmentSize;
    }

    /// <summary>File name of segment number <paramref name="segmentNumber"/> on <paramref name="timeline"/>.</summary>
    public static string SegmentFileName(uint timeline, ulong segmentNumber, long segmentSize)
    {
        var perLog = SegmentsPerLogId(segmentSize);
        return $"{timeline:X8}{(uint)(segmentNumber / perLog):X8}{(uint)(segmentNumber % perLog):X8}";
    }

    /// <summary>
    /// The segment holding the byte at <paramref name="lsn"/> (PostgreSQL's <c>XLByteToSeg</c>).
    /// An LSN exactly on a boundary belongs to the segment that starts there.
    /// </summary>
    public static string SegmentFileNameContaining(ulong lsn, uint timeline, long segmentSize) =>
        SegmentFileName(timeline, lsn / (ulong)segmentSize, segmentSize);

    /// <summary>
    /// PostgreSQL's <c>pg_walfile_name(lsn)</c> (<c>XLByteToPrevSeg</c>): an LSN exactly on a
    /// segment boundary names the segment that ENDS there (0/6000000 → ...05).
    /// </summary>
    public static string PgWalFileName(ulong lsn, uint timeline, long segmentSize)
    {
        CheckSegmentSize(segmentSize);
        return SegmentFileName(timeline, lsn == 0 ? 0 : (lsn - 1) / (ulong)segmentSize, segmentSize);
    }

    /// <summary>
    /// Barman's <c>location_to_xlogfile_name_offset</c> boundary quirk (spec §4): on a segment
    /// boundary it names the NEXT segment (0/6000000 → ...06), unlike <see cref="PgWalFileName"/>.
    /// Used where Barman compatibility is wanted (receive-wal --reset's status file).
    /// </summary>
    public static string BarmanLocationToXlogFileName(ulong lsn, uint timeline, long segmentSize) =>
        SegmentFileNameContaining(lsn, timeline, segmentSize);

    /// <summary>Segment number of a segment (or partial/backup) file name.</summary>
    /// <exception cref="ArgumentException">the name has no segment part or its segment is out of range for the size.</exception>
    public static ulong SegmentNumber(string name, long segmentSize)
    {
        var decoded = WalFileName.Decode(name) ?? throw new ArgumentException($"'{name}' is not a segment name", nameof(name));
        var perLog = SegmentsPerLogId(segmentSize);
        if (decoded.Segment >= perLog)
            throw new ArgumentException($"'{name}' is not a valid segment name for a segment size of {segmentSize} bytes", nameof(name));
        return (decoded.Log * perLog) + decoded.Segment;
    }

    /// <summary>First LSN of the segment named <paramref name="name"/>.</summary>
    public static ulong SegmentStart(string name, long segmentSize) => SegmentNumber(name, segmentSize) * (ulong)segmentSize;

    private static void CheckSegmentSize(long segmentSize)
    {
        if (!IsValidSegmentSize(segmentSize))
            throw new ArgumentOutOfRangeException(nameof(segmentSize), segmentSize, "the WAL segment size must be a power of two between 1 MiB and 1 GiB");
    }
}
