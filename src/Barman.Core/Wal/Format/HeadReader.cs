namespace Barman.Core.Wal.Format;

/// <summary>
/// Reads the head of a segment: the pages that continue a record begun in an earlier segment. Each page's
/// <c>xlp_rem_len</c> must be what is left of the record; the bytes are kept only as a CRC register (from zero)
/// and their first 24 (they may complete the record's header).
/// </summary>
internal sealed class HeadReader
{
    private readonly byte[] _prefix = new byte[XLog.RecordHeaderSize];
    private bool _present;
    private uint _firstRemaining;
    private uint _remaining;
    private uint _length;
    private int _prefixLength;
    private uint _crc;
    private HeadEnd? _end;
    private HeadFault? _fault;

    /// <summary>The record goes on on the next page.</summary>
    public bool IsOpen => _present && _end is null;

    /// <summary>Where the first record after the head starts (MAXALIGNed).</summary>
    public ulong EndsAt { get; private set; }

    /// <summary>Consumes a head page (its header already valid). Returns why the page does not continue the head, or null.</summary>
    public string? Consume(ReadOnlySpan<byte> page, in WalPageHeader header, ulong pageLsn, ulong segmentStart, int blockSize)
    {
        var size = header.Size;
        if (pageLsn == segmentStart)
        {
            _present = true;
            _firstRemaining = _remaining = header.RemainingLength;
        }
        else if (header.FirstIsOverwrite)
        {
            _end = HeadEnd.Abandoned;
            EndsAt = pageLsn + (ulong)size;
            return null;
        }
        else if (!header.FirstIsContinuation || header.RemainingLength != _remaining)
        {
            _fault = new HeadFault(pageLsn, !header.FirstIsContinuation, header.RemainingLength, _remaining);
            _end = HeadEnd.Broken;
            return header.FirstIsContinuation
                ? $"invalid contrecord length {header.RemainingLength} (expected {_remaining}) on the page at {Lsn.Format(pageLsn)}, continuing a record of the previous segment"
                : $"there is no contrecord flag on the page at {Lsn.Format(pageLsn)}, continuing a record of the previous segment";
        }
        var take = (int)Math.Min(_remaining, (uint)(blockSize - size));
        var bytes = page.Slice(size, take);
        if (_prefixLength < _prefix.Length)
        {
            var n = Math.Min(_prefix.Length - _prefixLength, take);
            bytes[..n].CopyTo(_prefix.AsSpan(_prefixLength));
            _prefixLength += n;
        }
        _crc = Crc32C.Update(_crc, bytes);
        _length += (uint)take;
        _remaining -= (uint)take;
        if (_remaining == 0)
        {
            _end = HeadEnd.Complete;
            EndsAt = pageLsn + (ulong)size + XLog.MaxAlign((ulong)take);
        }
        return null;
    }

    /// <summary>The head as the stitcher sees it; null when the segment does not start with a continuation.</summary>
    /// <param name="walkStopped">the walk of the segment stopped (inside the head, if it is still open).</param>
    public SegmentHead? Result(bool walkStopped) => _present
        ? new SegmentHead(_firstRemaining, _length, _prefix[.._prefixLength], _crc, _end ?? (walkStopped ? HeadEnd.Broken : HeadEnd.ContinuesBeyond), _fault)
        : null;
}
