using System.Buffers.Binary;

namespace Barman.Core.Wal.Format;

/// <summary>
/// After the walk of a segment stops, looks further in the file for a record that is valid (a page header right
/// for its position, then a whole record on that page with a matching CRC-32C). WAL that simply ends (a zero or
/// torn tail, the stale pages of a recycled file) has none after its end; WAL broken in the middle has.
/// </summary>
internal sealed class ResumeProbe(ushort? magic, int blockSize)
{
    /// <summary>The first valid record found after the stop, or null.</summary>
    public ulong? ResumesAt { get; private set; }

    /// <summary>Probes the page where the walk stopped, from <paramref name="candidate"/> (where the next record would start) if it is on it.</summary>
    public void StartOn(ReadOnlySpan<byte> page, ulong pageLsn, ulong candidate)
    {
        var aligned = XLog.MaxAlign(candidate);
        if (aligned > pageLsn && aligned < pageLsn + (ulong)blockSize && aligned - pageLsn >= XLog.ShortPageHeaderSize)
            ProbeRecord(page, pageLsn, (int)(aligned - pageLsn));
    }

    /// <summary>Probes a later page: from its first record start, if its header is valid for its position.</summary>
    public void Feed(ReadOnlySpan<byte> page, ulong pageLsn)
    {
        if (ResumesAt is not null)
            return;
        var header = WalPageHeader.Read(page);
        if (header.PageAddress != pageLsn || (header.Info & ~XLog.AllPageFlags) != 0
            || (magic is { } m ? header.Magic != m : WalMagic.VersionOf(header.Magic) is null))
            return;
        var start = (ulong)header.Size;
        if (header.FirstIsContinuation)
            start += XLog.MaxAlign(header.RemainingLength);
        if (start < (ulong)blockSize)
            ProbeRecord(page, pageLsn, (int)start);
    }

    private void ProbeRecord(ReadOnlySpan<byte> page, ulong pageLsn, int position)
    {
        if (position > blockSize - XLog.RecordHeaderSize)
            return;
        var header = page.Slice(position, XLog.RecordHeaderSize);
        var totalLength = BinaryPrimitives.ReadUInt32LittleEndian(header);
        if (totalLength < XLog.RecordHeaderSize || totalLength > blockSize - position || !XLog.IsValidResourceManager(header[17]))
            return;
        var crc = Crc32C.Update(Crc32C.Initial, page.Slice(position + XLog.RecordHeaderSize, (int)totalLength - XLog.RecordHeaderSize));
        crc = Crc32C.Finish(Crc32C.Update(crc, header[..XLog.RecordCrcOffset]));
        if (crc == BinaryPrimitives.ReadUInt32LittleEndian(header[XLog.RecordCrcOffset..]))
            ResumesAt = pageLsn + (ulong)position;
    }
}
