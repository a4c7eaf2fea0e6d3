using System.Globalization;
using System.Text.RegularExpressions;

namespace Barman.Core.Streaming;

/// <summary>The few WAL file-name rules receive-wal needs (Barman's <c>xlog</c> module, spec §4).</summary>
internal static partial class WalNames
{
    [GeneratedRegex("^[0-9A-Fa-f]{24}$")]
    private static partial Regex Segment();

    [GeneratedRegex(@"^[0-9A-Fa-f]{24}\.partial$")]
    private static partial Regex Partial();

    public static bool IsSegment(string name) => Segment().IsMatch(name);

    public static bool IsPartial(string name) => Partial().IsMatch(name);

    /// <summary>
    /// Barman's <c>location_to_xlogfile_name_offset</c>: the segment containing <paramref name="lsn"/>;
    /// an LSN exactly on a boundary names the NEXT segment (unlike <c>pg_walfile_name()</c>).
    /// </summary>
    public static string FromLsn(ulong lsn, uint timeline, long segmentSize)
    {
        var segmentsPerLog = 0x1_0000_0000UL / (ulong)segmentSize;
        var segno = lsn / (ulong)segmentSize;
        return string.Create(CultureInfo.InvariantCulture, $"{timeline:X8}{segno / segmentsPerLog:X8}{segno % segmentsPerLog:X8}");
    }
}
