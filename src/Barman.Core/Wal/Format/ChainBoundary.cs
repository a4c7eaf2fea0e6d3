namespace Barman.Core.Wal.Format;

/// <summary>
/// The state of the record chain at the end of a segment, all the next segment needs to be joined to it:
/// <see cref="Linked"/> when the walk reached the segment's end (a record may be <see cref="Pending"/>),
/// the last complete record (the next record's prev-link), the timeline of the last page read, and the
/// magic and system identifier of the chain (0 until known).
/// </summary>
internal sealed record ChainBoundary(
    ulong NextSegment,
    bool Linked,
    ulong LastRecord,
    uint LastPageTimeline,
    PendingRecord? Pending,
    ushort Magic,
    ulong SystemIdentifier)
{
    /// <summary>The start of a chain: nothing before is known.</summary>
    public static ChainBoundary Start(WalExpectations expect) =>
        new(0, false, 0, 0, null, expect.Magic ?? 0, expect.SystemIdentifier ?? 0);
}
