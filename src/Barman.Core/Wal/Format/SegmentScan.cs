namespace Barman.Core.Wal.Format;

/// <summary>What kind of check stopped the walk of a segment (the order PostgreSQL's reader checks in).</summary>
internal enum StopKind
{
    /// <summary>A page header is invalid (magic, info bits, long header, address, timeline).</summary>
    PageHeader,

    /// <summary>A record header is invalid before its prev-link is looked at: its length or its resource manager.</summary>
    RecordHeader,

    /// <summary>Anything found after the header: prev-link, continuation flag or length, CRC.</summary>
    Record,

    /// <summary>The file is shorter than a segment.</summary>
    ShortFile,

    /// <summary>The file could not be read (or decompressed) to its end.</summary>
    Unreadable,
}

/// <summary>
/// Where and why the walk of a segment stopped. <see cref="Lsn"/> is where the problem is (the LSN pg_waldump
/// names: a page's address, a record's start); <see cref="RecordLsn"/> the record being read, if any.
/// <see cref="ResumesAt"/> is a valid record found further in the file: WAL that simply ends (a torn or zero
/// tail, stale pages of a recycled file) has none, WAL broken in the middle has.
/// </summary>
internal sealed record WalkStop(StopKind Kind, ulong Lsn, ulong? RecordLsn, string Reason, ulong? ResumesAt)
{
    /// <summary>The WAL simply ends here: nothing valid after it (whether that may be is the caller's call).</summary>
    public bool IsEndOfWal => Kind is not (StopKind.ShortFile or StopKind.Unreadable) && ResumesAt is null;
}

/// <summary>A continuation found at a head page that does not match the first page's <c>xlp_rem_len</c>.</summary>
internal sealed record HeadFault(ulong PageLsn, bool MissingFlag, uint RemainingLength, uint ExpectedRemainingLength);

/// <summary>How the head of a segment ended.</summary>
internal enum HeadEnd
{
    /// <summary>The continued record ends in this segment; records follow.</summary>
    Complete,

    /// <summary>The continued record goes on past the end of this segment.</summary>
    ContinuesBeyond,

    /// <summary>A page marked XLP_FIRST_IS_OVERWRITE_CONTRECORD ended it: the record was abandoned at a crash.</summary>
    Abandoned,

    /// <summary>The walk stopped inside it (<see cref="SegmentScan.Stop"/> says why).</summary>
    Broken,
}

/// <summary>
/// The start of a segment whose first page continues a record begun in an earlier segment
/// (<see cref="RemainingLength"/> is that page's <c>xlp_rem_len</c>): its length here, its first bytes (which may
/// complete that record's header), and the raw CRC register of all of it from zero.
/// </summary>
internal sealed record SegmentHead(uint RemainingLength, uint Length, byte[] Prefix, uint Crc, HeadEnd End, HeadFault? Fault);

/// <summary>
/// A record still incomplete at the end of a segment: the file it begins in, its start and length, what was read
/// of it so far (its header bytes, the raw CRC register of its data).
/// </summary>
internal sealed record PendingRecord(string File, ulong Lsn, uint TotalLength, uint Read, byte[] Header, int HeaderRead, uint Crc);

/// <summary>The first record that begins in a segment, with the prev-link the stitcher checks.</summary>
internal sealed record FirstRecord(ulong Lsn, ulong Previous);

/// <summary>
/// The walk of one segment file on its own. Everything the stitcher needs about its boundaries is here
/// (head, first record, last record, pending tail, page timelines), so segments can be walked in parallel.
/// </summary>
internal sealed record SegmentScan(
    WalSegmentFile File,
    ushort Magic,
    ulong SystemIdentifier,
    uint FirstPageTimeline,
    uint LastPageTimeline,
    bool FirstPageOverwrite,
    SegmentHead? Head,
    FirstRecord? FirstRecord,
    ulong LastRecordLsn,
    ulong EndLsn,
    PendingRecord? Tail,
    bool EndedBySwitch,
    WalkStop? Stop,
    long RecordCount,
    long Length)
{
    /// <summary>The first page could be read and its header is valid.</summary>
    public bool FirstPageValid => Stop is not { Kind: StopKind.PageHeader or StopKind.ShortFile or StopKind.Unreadable } || Stop.Lsn != File.Start;
}
