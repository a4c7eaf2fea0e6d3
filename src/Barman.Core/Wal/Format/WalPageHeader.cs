using System.Buffers.Binary;

namespace Barman.Core.Wal.Format;

/// <summary>
/// An XLogPageHeaderData (24 bytes) or, with <see cref="XLog.LongHeader"/>, an XLogLongPageHeaderData (40 bytes:
/// + system identifier, segment size, block size). The long fields are zero in a short header.
/// </summary>
internal readonly record struct WalPageHeader(
    ushort Magic,
    ushort Info,
    uint Timeline,
    ulong PageAddress,
    uint RemainingLength,
    ulong SystemIdentifier,
    uint SegmentSize,
    uint BlockSize)
{
    public bool IsLong => (Info & XLog.LongHeader) != 0;

    /// <summary>XLogPageHeaderSize: where the page's record data starts.</summary>
    public int Size => IsLong ? XLog.LongPageHeaderSize : XLog.ShortPageHeaderSize;

    public bool FirstIsContinuation => (Info & XLog.FirstIsContRecord) != 0;

    public bool FirstIsOverwrite => (Info & XLog.FirstIsOverwriteContRecord) != 0;

    /// <summary>Reads a header from the start of <paramref name="page"/> (at least 24 bytes; 40 for the long fields).</summary>
    public static WalPageHeader Read(ReadOnlySpan<byte> page)
    {
        var info = BinaryPrimitives.ReadUInt16LittleEndian(page[2..]);
        var isLong = (info & XLog.LongHeader) != 0 && page.Length >= XLog.LongPageHeaderSize;
        return new WalPageHeader(
            BinaryPrimitives.ReadUInt16LittleEndian(page),
            info,
            BinaryPrimitives.ReadUInt32LittleEndian(page[4..]),
            BinaryPrimitives.ReadUInt64LittleEndian(page[8..]),
            BinaryPrimitives.ReadUInt32LittleEndian(page[16..]),
            isLong ? BinaryPrimitives.ReadUInt64LittleEndian(page[24..]) : 0,
            isLong ? BinaryPrimitives.ReadUInt32LittleEndian(page[32..]) : 0,
            isLong ? BinaryPrimitives.ReadUInt32LittleEndian(page[36..]) : 0);
    }
}
