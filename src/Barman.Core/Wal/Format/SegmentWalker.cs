using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Barman.Core.Wal.Format;

/// <summary>
/// Walks the records of one segment file, fed page by page, without keeping any record: each record's CRC is
/// computed as its bytes go by. The checks and their order are PostgreSQL's XLogDecodeNextRecord (what
/// pg_waldump rejects): page headers, record length, resource manager, prev-link, continuation flag and length,
/// CRC-32C. What crosses the segment's boundaries (the head continuing a record from the previous segment, the
/// first record's prev-link, a record left incomplete at the end) is reported in the <see cref="SegmentScan"/>
/// for <see cref="ChainStitcher"/>. The walk stops at the first problem: the rest of the segment is unverified.
/// </summary>
internal sealed class SegmentWalker
{
    private enum Phase
    {
        Head,
        Between,
        InRecord,
        AfterSwitch,
        Stopped,
    }

    private readonly WalSegmentFile _file;
    private readonly WalExpectations _expect;
    private readonly int _blockSize;

    private ulong _page;
    private Phase _phase = Phase.Head;
    private ushort? _magic;
    private ulong _systemIdentifier;
    private uint _firstTimeline;
    private uint _lastTimeline;
    private bool _firstOverwrite;

    private readonly HeadReader _head = new();

    private ulong _next;
    private ulong _lastRecord;
    private ulong _endLsn;
    private long _count;
    private FirstRecord? _first;

    private ulong _record;
    private uint _totalLength;
    private uint _read;
    private readonly byte[] _header = new byte[XLog.RecordHeaderSize];
    private int _headerRead;
    private uint _crc;

    private WalkStop? _stop;
    private ResumeProbe? _probe;

    public SegmentWalker(WalSegmentFile file, WalExpectations expect)
    {
        _file = file;
        _expect = expect;
        _blockSize = expect.BlockSize;
        _page = file.Start;
    }

    public int BlockSize => _blockSize;

    /// <summary>After an XLOG_SWITCH the rest of the segment is unused: its pages need not be fed.</summary>
    public bool EndedBySwitch => _phase == Phase.AfterSwitch;

    /// <summary>Feeds the next page (exactly <see cref="BlockSize"/> bytes).</summary>
    public void Feed(ReadOnlySpan<byte> page)
    {
        var pageLsn = _page;
        _page += (ulong)_blockSize;
        if (_phase == Phase.AfterSwitch)
            return;
        if (_phase == Phase.Stopped)
        {
            _probe?.Feed(page, pageLsn);
            return;
        }
        var header = WalPageHeader.Read(page);
        var reason = PageHeaderCheck.Validate(header, pageLsn, _expect, _magic ?? _expect.Magic, _expect.SystemIdentifier, _file.Timeline, _lastTimeline);
        if (reason is not null)
        {
            var inRecord = _phase == Phase.InRecord;
            Stop(StopKind.PageHeader, pageLsn, inRecord ? _record : null, reason, inRecord ? ClaimedEnd(_record, _totalLength) : pageLsn, page, pageLsn);
            return;
        }
        if (pageLsn == _file.Start)
        {
            _magic = header.Magic;
            _systemIdentifier = header.SystemIdentifier;
            _firstTimeline = header.Timeline;
            _firstOverwrite = header.FirstIsOverwrite;
        }
        _lastTimeline = header.Timeline;
        switch (_phase)
        {
            case Phase.Head:
                if (!ConsumeHead(page, header, pageLsn))
                    return;
                break;
            case Phase.InRecord:
                if (!ContinueRecord(page, header, pageLsn))
                    return;
                break;
            case Phase.Between when _next == pageLsn:
                _next = pageLsn + (ulong)header.Size;
                if (header.FirstIsContinuation)
                {
                    Stop(StopKind.Record, _next, null, $"contrecord is requested by {Lsn.Format(_next)}", _next, page, pageLsn);
                    return;
                }
                break;
        }
        WalkRecords(page, pageLsn);
    }

    /// <summary>The file could not be read past <paramref name="length"/> bytes.</summary>
    public SegmentScan Abort(long length, string reason)
    {
        if (_phase is not (Phase.Stopped or Phase.AfterSwitch))
        {
            var at = _file.Start + (ulong)length;
            _stop = new WalkStop(StopKind.Unreadable, at, _phase == Phase.InRecord ? _record : null, reason, null);
            _phase = Phase.Stopped;
        }
        return Finish(length);
    }

    /// <summary>The result, once the file's <paramref name="length"/> bytes were read (only whole pages were fed).</summary>
    public SegmentScan Finish(long length)
    {
        if (length < _file.SegmentSize && _phase is Phase.Head or Phase.Between or Phase.InRecord)
        {
            var missing = _file.Start + (ulong)length;
            var inRecord = _phase == Phase.InRecord;
            _stop = new WalkStop(StopKind.ShortFile, missing, inRecord ? _record : null,
                $"the file ends after {length} bytes, a segment is {_file.SegmentSize} bytes", null);
            _phase = Phase.Stopped;
        }
        if (_stop is { Kind: not (StopKind.ShortFile or StopKind.Unreadable) })
            _stop = _stop with { ResumesAt = _probe?.ResumesAt };
        var pending = _phase == Phase.InRecord
            ? new PendingRecord(_file.Name, _record, _totalLength, _read, [.. _header], _headerRead, _crc)
            : null;
        return new SegmentScan(
            _file,
            _magic ?? 0,
            _systemIdentifier,
            _firstTimeline,
            _lastTimeline,
            _firstOverwrite,
            _head.Result(_stop is not null),
            _first,
            _lastRecord,
            _endLsn,
            pending,
            _phase == Phase.AfterSwitch,
            _stop,
            _count,
            length);
    }

    /// <summary>The pages that continue a record of the previous segment. False while the head goes on.</summary>
    private bool ConsumeHead(ReadOnlySpan<byte> page, in WalPageHeader header, ulong pageLsn)
    {
        if (pageLsn == _file.Start && !header.FirstIsContinuation)
        {
            _phase = Phase.Between;
            _next = pageLsn + (ulong)header.Size;
            return true;
        }
        var fault = _head.Consume(page, header, pageLsn, _file.Start, _blockSize);
        if (fault is not null)
        {
            Stop(StopKind.Record, pageLsn, null, fault, pageLsn, page, pageLsn);
            return false;
        }
        if (_head.IsOpen)
            return false;
        _phase = Phase.Between;
        _next = _head.EndsAt;
        return _next < pageLsn + (ulong)_blockSize;
    }

    /// <summary>A page continuing the record in progress. False when nothing more can start on this page.</summary>
    private bool ContinueRecord(ReadOnlySpan<byte> page, in WalPageHeader header, ulong pageLsn)
    {
        var size = header.Size;
        if (header.FirstIsOverwrite)
        {
            // the record was abandoned at a crash; WAL resumes on this page (prev-link: the record before it)
            _phase = Phase.Between;
            _next = pageLsn + (ulong)size;
            if (header.FirstIsContinuation)
            {
                Stop(StopKind.Record, _next, null, $"contrecord is requested by {Lsn.Format(_next)}", _next, page, pageLsn);
                return false;
            }
            return true;
        }
        if (!header.FirstIsContinuation)
        {
            Stop(StopKind.Record, _record, _record, $"there is no contrecord flag at {Lsn.Format(_record)}", ClaimedEnd(_record, _totalLength), page, pageLsn);
            return false;
        }
        var remaining = header.RemainingLength;
        if (remaining == 0 || _totalLength != remaining + _read)
        {
            Stop(StopKind.Record, _record, _record,
                $"invalid contrecord length {remaining} (expected {(long)_totalLength - _read}) at {Lsn.Format(_record)}",
                ClaimedEnd(_record, _totalLength), page, pageLsn);
            return false;
        }
        var take = (int)Math.Min(remaining, (uint)(_blockSize - size));
        if (!Append(page.Slice(size, take), page, pageLsn))
            return false;
        _read += (uint)take;
        if (_read < _totalLength)
            return false;
        if (!CompleteRecord(_header, _crc, page, pageLsn))
            return false;
        _next = pageLsn + (ulong)size + XLog.MaxAlign(remaining);
        return _phase == Phase.Between && _next < pageLsn + (ulong)_blockSize;
    }

    /// <summary>The records that start on this page from <see cref="_next"/> on.</summary>
    private void WalkRecords(ReadOnlySpan<byte> page, ulong pageLsn)
    {
        while (_phase == Phase.Between)
        {
            var position = (int)(_next - pageLsn);
            if (position >= _blockSize)
                return;
            var record = _next;
            var totalLength = BinaryPrimitives.ReadUInt32LittleEndian(page[position..]);
            if (totalLength < XLog.RecordHeaderSize)
            {
                Stop(StopKind.RecordHeader, record, record,
                    $"invalid record length at {Lsn.Format(record)}: expected at least {XLog.RecordHeaderSize}, got {totalLength}",
                    record, page, pageLsn);
                return;
            }
            _record = record;
            _totalLength = totalLength;
            _headerRead = 0;
            _crc = Crc32C.Initial;
            var available = _blockSize - position;
            if (available < XLog.RecordHeaderSize)
            {
                // the header itself continues on the next page: it is checked once complete
                page[position..].CopyTo(_header);
                _headerRead = available;
                _read = (uint)available;
                _phase = Phase.InRecord;
                return;
            }
            var header = page.Slice(position, XLog.RecordHeaderSize);
            if (!ValidateHeader(header, page, pageLsn))
                return;
            if (totalLength > available)
            {
                header.CopyTo(_header);
                _headerRead = XLog.RecordHeaderSize;
                _crc = Crc32C.Update(_crc, page[(position + XLog.RecordHeaderSize)..]);
                _read = (uint)available;
                _phase = Phase.InRecord;
                return;
            }
            var crc = Crc32C.Update(_crc, page.Slice(position + XLog.RecordHeaderSize, (int)totalLength - XLog.RecordHeaderSize));
            if (!CompleteRecord(header, crc, page, pageLsn))
                return;
            _next = record + XLog.MaxAlign(totalLength);
        }
    }

    /// <summary>Adds a continuation's bytes to the record in progress (completing and checking its header first).</summary>
    private bool Append(ReadOnlySpan<byte> bytes, ReadOnlySpan<byte> page, ulong pageLsn)
    {
        if (_headerRead < XLog.RecordHeaderSize)
        {
            var n = Math.Min(XLog.RecordHeaderSize - _headerRead, bytes.Length);
            bytes[..n].CopyTo(_header.AsSpan(_headerRead));
            _headerRead += n;
            bytes = bytes[n..];
            if (_headerRead == XLog.RecordHeaderSize && !ValidateHeader(_header, page, pageLsn))
                return false;
        }
        _crc = Crc32C.Update(_crc, bytes);
        return true;
    }

    /// <summary>ValidXLogRecordHeader on the complete <paramref name="header"/> of <see cref="_record"/>.</summary>
    /// <remarks>Inlined into the walk of every record; what a failure costs (formatting its message) is not.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool ValidateHeader(ReadOnlySpan<byte> header, ReadOnlySpan<byte> page, ulong pageLsn)
    {
        var rmid = header[17];
        var previous = BinaryPrimitives.ReadUInt64LittleEndian(header[8..]);
        if (previous == _lastRecord && _lastRecord != 0 && XLog.IsValidResourceManager(rmid))
            return true;
        return ValidateHeaderSlowly(rmid, previous, page, pageLsn);
    }

    /// <summary>The first record of the segment (prev-link unknown: the stitcher checks it), or a bad header.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool ValidateHeaderSlowly(byte rmid, ulong previous, ReadOnlySpan<byte> page, ulong pageLsn)
    {
        if (!XLog.IsValidResourceManager(rmid))
        {
            Stop(StopKind.RecordHeader, _record, _record, $"invalid resource manager ID {rmid} at {Lsn.Format(_record)}",
                ClaimedEnd(_record, _totalLength), page, pageLsn);
            return false;
        }
        if (_lastRecord == 0)
        {
            // the record before is in an earlier segment (or unknown): the stitcher checks this link
            _first ??= new FirstRecord(_record, previous);
            return true;
        }
        Stop(StopKind.Record, _record, _record, $"record with incorrect prev-link {Lsn.Format(previous)} at {Lsn.Format(_record)}",
            ClaimedEnd(_record, _totalLength), page, pageLsn);
        return false;
    }

    /// <summary>
    /// ValidXLogRecord (the CRC: <paramref name="dataCrc"/>, the register after the data, then the header up to
    /// xl_crc), then the record is counted.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool CompleteRecord(ReadOnlySpan<byte> header, uint dataCrc, ReadOnlySpan<byte> page, ulong pageLsn)
    {
        var crc = Crc32C.Finish(Crc32C.Update(dataCrc, header[..XLog.RecordCrcOffset]));
        if (crc != BinaryPrimitives.ReadUInt32LittleEndian(header[XLog.RecordCrcOffset..]))
            return WrongChecksum(page, pageLsn);
        _lastRecord = _record;
        _endLsn = _record + _totalLength;
        _count++;
        _phase = XLog.IsSwitch(header[17], header[16]) ? Phase.AfterSwitch : Phase.Between;
        return _phase == Phase.Between;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool WrongChecksum(ReadOnlySpan<byte> page, ulong pageLsn)
    {
        Stop(StopKind.Record, _record, _record, $"incorrect resource manager data checksum in record at {Lsn.Format(_record)}",
            ClaimedEnd(_record, _totalLength), page, pageLsn);
        return false;
    }

    /// <summary>Where a record of <paramref name="totalLength"/> bytes starting at <paramref name="record"/> ends, page headers included.</summary>
    private ulong ClaimedEnd(ulong record, uint totalLength)
    {
        if (totalLength < XLog.RecordHeaderSize)
            return record;
        var end = record;
        ulong remaining = totalLength;
        var available = (ulong)_blockSize - (record % (ulong)_blockSize);
        while (remaining > available)
        {
            remaining -= available;
            end += available + XLog.ShortPageHeaderSize;
            available = (ulong)(_blockSize - XLog.ShortPageHeaderSize);
        }
        return end + remaining;
    }

    /// <param name="claimedEnd">where the record being read would end if its length were right: the next record,
    /// if the WAL goes on after the problem.</param>
    private void Stop(StopKind kind, ulong lsn, ulong? record, string reason, ulong claimedEnd, ReadOnlySpan<byte> page, ulong pageLsn)
    {
        _stop = new WalkStop(kind, lsn, record, reason, null);
        _phase = Phase.Stopped;
        _probe = new ResumeProbe(_magic ?? _expect.Magic, _blockSize);
        if (kind != StopKind.PageHeader)
            _probe.StartOn(page, pageLsn, claimedEnd);
    }
}
