using System.Buffers.Binary;

namespace Barman.Core.Wal;

/// <summary>
/// Watches the original bytes of a WAL file as they are read: when they start with a segment's long
/// page header (PostgreSQL's <c>XLogLongPageHeaderData</c>: <c>xlp_info</c> with <c>XLP_LONG_HEADER</c>,
/// <c>xlp_seg_size</c> at byte 32, <c>xlp_xlog_blcksz</c> at 36, both plausible powers of two), the
/// file must end at exactly <c>xlp_seg_size</c> bytes (pg_receivewal pads its <c>.partial</c> files to
/// it too). History files and backup labels (text) are not segments and are not checked.
/// </summary>
internal sealed class WalSegmentLength
{
    /// <summary>Bytes of the long page header that declare the sizes.</summary>
    public const int LongHeaderSize = 40;
    private const ushort LongHeaderFlag = 0x0002;
    private readonly byte[] _header = new byte[LongHeaderSize];
    private int _headerFilled;
    private long _total;
    private bool _ended;

    /// <summary>Takes the next bytes read (empty at the end); returns the problem, or null.</summary>
    public string? Add(ReadOnlySpan<byte> read)
    {
        if (read.Length > 0)
        {
            if (_headerFilled < LongHeaderSize)
            {
                var n = Math.Min(LongHeaderSize - _headerFilled, read.Length);
                read[..n].CopyTo(_header.AsSpan(_headerFilled));
                _headerFilled += n;
            }
            _total += read.Length;
            return SegmentSize() is { } size && _total > size ? $"the WAL segment is longer than its {size} bytes" : null;
        }
        if (_ended)
            return null;
        _ended = true;
        return SegmentSize() is { } expected && _total != expected
            ? $"the WAL segment ends after {_total} of its {expected} bytes (truncated)"
            : null;
    }

    private long? SegmentSize() => _headerFilled < LongHeaderSize ? null : DeclaredSize(_header);

    /// <summary>
    /// The segment size the first bytes of a file declare (its long page header), or null when they do
    /// not start like a segment (a history file, a backup label, too few bytes).
    /// </summary>
    public static long? DeclaredSize(ReadOnlySpan<byte> header)
    {
        if (header.Length < LongHeaderSize)
            return null;
        var info = BinaryPrimitives.ReadUInt16LittleEndian(header[2..]);
        var segmentSize = BinaryPrimitives.ReadUInt32LittleEndian(header[32..]);
        var blockSize = BinaryPrimitives.ReadUInt32LittleEndian(header[36..]);
        var plausible = (info & LongHeaderFlag) != 0
            && uint.IsPow2(segmentSize) && segmentSize is >= 1 << 20 and <= 1 << 30
            && uint.IsPow2(blockSize) && blockSize is >= 1 << 10 and <= 1 << 16;
        return plausible ? segmentSize : null;
    }
}
