using System.Globalization;

namespace Barman.Core.Wal;

/// <summary>
/// Log sequence numbers (<c>X/Y</c>) and segment arithmetic for any power-of-two segment size from 1 MiB
/// to 1 GiB, as verify-wal and archive-time validation need them. Names themselves live in
/// <see cref="WalFileName"/>; this only maps positions to them.
/// </summary>
internal static class Lsn
{
    public const long DefaultSegmentSize = 16L * 1024 * 1024;
    public const long MinSegmentSize = 1L * 1024 * 1024;
    public const long MaxSegmentSize = 1L * 1024 * 1024 * 1024;

    /// <summary>Parses <c>X/Y</c> (hex, each part up to 8 digits).</summary>
    /// <exception cref="FormatException">not an LSN.</exception>
    public static ulong Parse(string text) =>
        TryParse(text, out var lsn) ? lsn : throw new FormatException($"'{text}' is not a valid LSN");

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
        return WalFileName.SegmentsPerLog(segmentSize);
    }

    /// <summary>File name of segment number <paramref name="segmentNumber"/> on <paramref name="timeline"/>.</summary>
    public static string SegmentFileName(uint timeline, ulong segmentNumber, long segmentSize) =>
        WalFileName.SegmentFileName(timeline, segmentNumber, SegmentsPerLogId(segmentSize));

    /// <summary>The segment holding the byte at <paramref name="lsn"/> (PostgreSQL's <c>XLByteToSeg</c>).</summary>
    public static string SegmentFileNameContaining(ulong lsn, uint timeline, long segmentSize)
    {
        CheckSegmentSize(segmentSize);
        return WalFileName.FromLsn(lsn, timeline, segmentSize);
    }

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
