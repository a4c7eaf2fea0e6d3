namespace Barman.Core.Wal.Format;

/// <summary>
/// What the WAL of one server must look like. <see cref="Magic"/> and <see cref="SystemIdentifier"/> may be
/// unknown (null): a magic must then be one PostgreSQL knows, the same throughout; the system identifier is
/// learned from the first segment read and must then be the same throughout.
/// </summary>
internal sealed record WalExpectations(
    long SegmentSize = Lsn.DefaultSegmentSize,
    ushort? Magic = null,
    ulong? SystemIdentifier = null,
    int BlockSize = XLog.DefaultBlockSize)
{
    public WalExpectations Validated()
    {
        if (!Lsn.IsValidSegmentSize(SegmentSize))
            throw new ArgumentOutOfRangeException(nameof(SegmentSize), SegmentSize, "the WAL segment size must be a power of two between 1 MiB and 1 GiB");
        if (BlockSize is < 1024 or > 65536 || (BlockSize & (BlockSize - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(BlockSize), BlockSize, "the WAL block size must be a power of two between 1 kB and 64 kB");
        return this;
    }
}
