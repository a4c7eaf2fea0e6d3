namespace Barman.Core.Wal.Format;

/// <summary>A segment file of the archive (complete or <c>.partial</c>): its name and where its bytes sit in the WAL.</summary>
internal sealed record WalSegmentFile(string Name, uint Timeline, ulong SegmentNumber, ulong Start, long SegmentSize, bool IsPartial)
{
    public ulong End => Start + (ulong)SegmentSize;

    /// <summary>The name without <c>.partial</c>.</summary>
    public string SegmentName => Lsn.SegmentFileName(Timeline, SegmentNumber, SegmentSize);

    /// <summary>The file for an archive name, or null when the name is not a segment's or a <c>.partial</c>'s.</summary>
    public static WalSegmentFile? FromName(string name, long segmentSize)
    {
        var kind = WalFileName.Classify(name);
        if (kind is not (WalFileKind.Segment or WalFileKind.Partial))
            return null;
        var decoded = WalFileName.Decode(name)!.Value;
        if (decoded.Segment >= Lsn.SegmentsPerLogId(segmentSize))
            return null;
        var number = Lsn.SegmentNumber(name, segmentSize);
        return new WalSegmentFile(name, decoded.Timeline, number, number * (ulong)segmentSize, segmentSize, kind == WalFileKind.Partial);
    }
}
