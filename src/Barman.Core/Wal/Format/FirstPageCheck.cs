namespace Barman.Core.Wal.Format;

/// <summary>
/// The verdict on a WAL file's first page header: <see cref="Reason"/> is null when it is valid;
/// <see cref="Header"/> is what was read (null when the file is too short or its name is not a segment's).
/// </summary>
internal sealed record FirstPageVerdict(string? Reason, WalPageHeader? Header)
{
    public bool IsValid => Reason is null;
}

/// <summary>
/// Archive-time validation of a segment or <c>.partial</c> (pgBackRest's archive-header-check, stronger): its
/// first page must be the long header of a page of this server's WAL at the position its name says. Needs only
/// the first <see cref="XLog.LongPageHeaderSize"/> bytes of the (decompressed) file.
/// </summary>
internal static class FirstPageCheck
{
    public const int BytesNeeded = XLog.LongPageHeaderSize;

    /// <param name="firstBytes">the file's first bytes (40 or more; fewer is a reason to refuse).</param>
    /// <param name="fileName">the file's name in the archive (segment or <c>.partial</c>).</param>
    public static FirstPageVerdict Validate(ReadOnlySpan<byte> firstBytes, string fileName, WalExpectations expect)
    {
        var decoded = WalFileName.Decode(fileName);
        if (decoded is null || WalFileName.Classify(fileName) is not (WalFileKind.Segment or WalFileKind.Partial))
            return new FirstPageVerdict($"'{fileName}' is not the name of a WAL segment", null);
        ulong start;
        try
        {
            start = Lsn.SegmentStart(fileName, expect.SegmentSize);
        }
        catch (ArgumentException e)
        {
            return new FirstPageVerdict(e.Message, null);
        }
        if (firstBytes.Length < BytesNeeded)
            return new FirstPageVerdict($"the file is {firstBytes.Length} bytes long, too short for a WAL page header", null);
        var header = WalPageHeader.Read(firstBytes);
        var reason = PageHeaderCheck.Validate(header, start, expect, expect.Magic, expect.SystemIdentifier, decoded.Value.Timeline, previousTimeline: 0);
        return new FirstPageVerdict(reason, header);
    }
}
