using System.Buffers.Binary;
using Barman.Core.Wal;
using Barman.Core.Wal.Format;

namespace Barman.Tests.Wal.Format;

/// <summary>
/// Writes WAL the way PostgreSQL lays it out (XLOG_NOOP records with main data, page headers, continuations,
/// XLOG_SWITCH with zero padding, an abandoned record overwritten after a crash), to put records exactly where
/// real WAL rarely puts them: a header across a page or a segment boundary, a switch across segments. pg_waldump
/// reads it as it reads real WAL.
/// </summary>
internal sealed class SyntheticWal(uint timeline = 1, long segmentSize = 1 << 20, ulong systemIdentifier = 7_300_000_000_000_000_042)
{
    private const int Block = XLog.DefaultBlockSize;
    private readonly SortedDictionary<ulong, byte[]> _segments = [];
    private ulong _position = (ulong)segmentSize; // segment 1
    private ulong _previous;
    private ushort _nextPageFlags;

    public long SegmentSize => segmentSize;

    public ulong Position => _position;

    /// <summary>An XLOG_NOOP record whose total length is <paramref name="totalLength"/> (at least 26); returns its LSN.</summary>
    public ulong Append(int totalLength) => Put(Record(totalLength, XLog.XlogResourceManager, 0x20));

    /// <summary>An XLOG_SWITCH: the rest of the segment stays zero.</summary>
    public ulong Switch()
    {
        var lsn = Put(Record(XLog.RecordHeaderSize, XLog.XlogResourceManager, XLog.XlogSwitch));
        _position = (_position + (ulong)segmentSize - 1) / (ulong)segmentSize * (ulong)segmentSize;
        return lsn;
    }

    /// <summary>Records until the next one starts <paramref name="before"/> bytes before <paramref name="boundary"/> (a page or segment start).</summary>
    public void FillUntil(ulong boundary, int before)
    {
        var target = boundary - (ulong)before;
        while (target > _position + 300_000)
            Append(200_000);
        if (target == _position)
            return;
        // the one record length that ends exactly there (the end grows with the length, by page headers at boundaries)
        int low = 4, high = (int)((target - _position) / 8) + 1;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (EndAfter(_position, middle * 8) < target)
                low = middle + 1;
            else
                high = middle;
        }
        Append(low * 8);
        if (_position != target)
            throw new InvalidOperationException($"cannot fill to {target:X}: at {_position:X}");
    }

    private ulong EndAfter(ulong position, int length)
    {
        for (var remaining = length; remaining > 0;)
        {
            if (position % Block == 0)
                position += (ulong)HeaderSize(position);
            var n = (int)Math.Min((ulong)remaining, Block - position % Block);
            position += (ulong)n;
            remaining -= n;
        }
        return XLog.MaxAlign(position);
    }

    /// <summary>
    /// Writes a record of <paramref name="totalLength"/> bytes only up to the end of the page, then, as a crash
    /// recovery does, starts the next page with XLP_FIRST_IS_OVERWRITE_CONTRECORD: the record is abandoned.
    /// </summary>
    public void Abandon(int totalLength)
    {
        var record = Record(totalLength, XLog.XlogResourceManager, 0x20);
        var kept = _previous;
        Put(record, stopAtPage: true);
        _previous = kept;
        _nextPageFlags = XLog.FirstIsOverwriteContRecord;
    }

    /// <summary>Writes the segment files (the last one as far as written, zeros after) into <paramref name="directory"/>; returns their names.</summary>
    public IReadOnlyList<string> WriteTo(string directory)
    {
        var names = new List<string>();
        foreach (var (number, bytes) in _segments)
        {
            var name = Lsn.SegmentFileName(timeline, number, segmentSize);
            File.WriteAllBytes(Path.Combine(directory, name), bytes);
            names.Add(name);
        }
        return names;
    }

    private int HeaderSize(ulong position) => position % (ulong)segmentSize == 0 ? XLog.LongPageHeaderSize : XLog.ShortPageHeaderSize;

    private byte[] Record(int totalLength, byte rmid, byte info)
    {
        var record = new byte[totalLength];
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)totalLength);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(4), 0);
        record[16] = info;
        record[17] = rmid;
        var data = totalLength - XLog.RecordHeaderSize;
        if (data > 0)
        {
            // main data only: XLR_BLOCK_ID_DATA_SHORT or _LONG and its length, then the bytes
            var dataHeader = data - 2 <= 255 ? 2 : 5;
            if (dataHeader == 2)
            {
                record[24] = 255;
                record[25] = (byte)(data - 2);
            }
            else
            {
                record[24] = 254;
                BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(25), (uint)(data - 5));
            }
            for (var i = XLog.RecordHeaderSize + dataHeader; i < totalLength; i++)
                record[i] = (byte)(i * 31);
        }
        return record;
    }

    private ulong Put(byte[] record, bool stopAtPage = false)
    {
        if (_position % Block == 0)
            _position += (ulong)WritePageHeader(_position, 0);
        var lsn = _position;
        BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(8), _previous);
        var crc = Crc32C.Update(Crc32C.Initial, record.AsSpan(XLog.RecordHeaderSize));
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(XLog.RecordCrcOffset), Crc32C.Finish(Crc32C.Update(crc, record.AsSpan(0, XLog.RecordCrcOffset))));
        var written = 0;
        while (written < record.Length)
        {
            if (_position % Block == 0)
            {
                if (stopAtPage)
                    return lsn;
                _position += (ulong)WritePageHeader(_position, record.Length - written);
            }
            var n = (int)Math.Min((ulong)(record.Length - written), Block - _position % Block);
            record.AsSpan(written, n).CopyTo(Segment(_position).AsSpan((int)(_position % (ulong)segmentSize)));
            _position += (ulong)n;
            written += n;
        }
        _position = XLog.MaxAlign(_position);
        _previous = lsn;
        return lsn;
    }

    private int WritePageHeader(ulong page, int remaining)
    {
        var size = HeaderSize(page);
        var header = Segment(page).AsSpan((int)(page % (ulong)segmentSize), size);
        var info = (ushort)((remaining > 0 ? XLog.FirstIsContRecord : 0) | (size == XLog.LongPageHeaderSize ? XLog.LongHeader : 0) | _nextPageFlags);
        _nextPageFlags = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(header, WalMagic.PostgreSql15);
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], info);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], timeline);
        BinaryPrimitives.WriteUInt64LittleEndian(header[8..], page);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], (uint)remaining);
        if (size == XLog.LongPageHeaderSize)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(header[24..], systemIdentifier);
            BinaryPrimitives.WriteUInt32LittleEndian(header[32..], (uint)segmentSize);
            BinaryPrimitives.WriteUInt32LittleEndian(header[36..], Block);
        }
        return size;
    }

    private byte[] Segment(ulong lsn)
    {
        var number = lsn / (ulong)segmentSize;
        if (!_segments.TryGetValue(number, out var bytes))
            _segments[number] = bytes = new byte[segmentSize];
        return bytes;
    }
}
