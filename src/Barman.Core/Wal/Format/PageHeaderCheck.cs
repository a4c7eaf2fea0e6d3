namespace Barman.Core.Wal.Format;

/// <summary>
/// The page header checks of PostgreSQL's XLogReaderValidatePageHeader, in its order (so that the first failure
/// is the one pg_waldump reports), plus one of ours after them: a page's timeline is never later than the
/// timeline in the file's name.
/// </summary>
internal static class PageHeaderCheck
{
    /// <summary>Null when <paramref name="header"/> is valid for the page at <paramref name="pageLsn"/>, else why not.</summary>
    /// <param name="magic">the magic every page must carry; null on a segment's first page when it is not known
    /// yet: any magic PostgreSQL knows is accepted.</param>
    /// <param name="systemIdentifier">null: not checked.</param>
    /// <param name="previousTimeline">the timeline of the page read before (0: none).</param>
    public static string? Validate(
        in WalPageHeader header,
        ulong pageLsn,
        WalExpectations expect,
        ushort? magic,
        ulong? systemIdentifier,
        uint fileTimeline,
        uint previousTimeline)
    {
        if (magic is { } m ? header.Magic != m : WalMagic.VersionOf(header.Magic) is null)
            return magic is { } expected
                ? $"invalid magic number {header.Magic:X4}, expected {WalMagic.Describe(expected)}"
                : $"invalid magic number {header.Magic:X4}: not a PostgreSQL WAL page";
        if ((header.Info & ~XLog.AllPageFlags) != 0)
            return $"invalid info bits {header.Info:X4} in the page header";
        var offset = (ulong)pageLsn % (ulong)expect.SegmentSize;
        if (header.IsLong)
        {
            if (systemIdentifier is { } id && header.SystemIdentifier != id)
                return $"WAL file is from a different database system: system identifier {header.SystemIdentifier}, expected {id}";
            if (header.SegmentSize != expect.SegmentSize)
                return $"WAL file is from a different database system: segment size {header.SegmentSize} in the page header, expected {expect.SegmentSize}";
            if (header.BlockSize != expect.BlockSize)
                return $"WAL file is from a different database system: WAL block size {header.BlockSize} in the page header, expected {expect.BlockSize}";
        }
        else if (offset == 0)
        {
            return $"invalid info bits {header.Info:X4}: the first page of a segment has no long header";
        }
        if (header.PageAddress != pageLsn)
            return $"unexpected page address {Lsn.Format(header.PageAddress)}, expected {Lsn.Format(pageLsn)}";
        if (header.Timeline < previousTimeline)
            return $"out-of-sequence timeline ID {header.Timeline} (after {previousTimeline})";
        if (header.Timeline == 0)
            return "page timeline 0 is not a timeline";
        if (header.Timeline > fileTimeline)
            return $"page timeline {header.Timeline} is later than the file's timeline {fileTimeline}";
        return null;
    }
}
