using System.Buffers.Binary;

namespace Barman.Core.Wal.Format;

/// <summary>
/// Joins the walk of a segment to the chain before it, as PostgreSQL's reader would cross the boundary: the same
/// PostgreSQL version and system, page timelines that never go back, the record left pending at the end of the
/// previous segment completed by this segment's head (continuation flag, <c>xlp_rem_len</c>, header, CRC-32C
/// joined from the two CRC registers), and the prev-link of the first record that starts here. When nothing is
/// known before (the start of a chain, a missing segment, a walk that stopped), only what pg_waldump checks
/// at a random start is checked: the first record's prev-link points backwards.
/// </summary>
internal static class ChainStitcher
{
    /// <summary>Adds the problems of <paramref name="scan"/> (its walk's stop included) and returns the chain's state after it.</summary>
    /// <param name="completedAcross">a record begun before this segment was completed and proven in it.</param>
    public static ChainBoundary Stitch(ChainBoundary before, SegmentScan scan, List<WalProblem> problems, out bool completedAcross)
    {
        var file = scan.File;
        var stop = scan.Stop;
        var magic = before.Magic;
        var systemIdentifier = before.SystemIdentifier;
        var linked = before.Linked && before.NextSegment == file.SegmentNumber && scan.FirstPageValid;
        if (scan.FirstPageValid && !SameSystem(scan, ref magic, ref systemIdentifier, problems))
            linked = false;
        if (linked && scan.FirstPageTimeline < before.LastPageTimeline)
        {
            problems.Add(new WalProblem(file.Name, file.Start, WalProblemKind.Page,
                $"out-of-sequence timeline ID {scan.FirstPageTimeline} (after {before.LastPageTimeline})"));
            linked = false;
        }

        var join = linked ? Join(before, scan, problems) : Joined.Unlinked;
        completedAcross = join.Completed;
        if (join.SwitchPadding)
        {
            // an XLOG_SWITCH completed in this segment's head: the rest of it is unused
            return new ChainBoundary(file.SegmentNumber + 1, true, join.LastRecord, scan.FirstPageTimeline, null, magic, systemIdentifier);
        }
        if (scan.FirstRecord is { } first && (join.Broken is null || join.Broken.Value > first.Lsn))
        {
            var valid = join.PreviousKnown ? first.Previous == join.Previous : first.Previous < first.Lsn;
            if (!valid)
            {
                problems.Add(new WalProblem(file.Name, first.Lsn, WalProblemKind.Record,
                    $"record with incorrect prev-link {Lsn.Format(first.Previous)} at {Lsn.Format(first.Lsn)}"));
                if (stop is { Kind: StopKind.Record } && stop.Lsn == first.Lsn)
                    stop = null;
            }
        }
        if (join.HeadFaultReported && stop is not null && scan.Head?.Fault is { } fault && stop.Lsn == fault.PageLsn)
            stop = null;
        if (stop is not null)
            problems.Add(WalProblem.FromStop(file, stop));

        if (join.Carried is { } carried)
            return new ChainBoundary(file.SegmentNumber + 1, true, before.LastRecord, scan.LastPageTimeline, carried, magic, systemIdentifier);
        if (scan.Stop is not null || scan.Head?.End == HeadEnd.ContinuesBeyond)
            return new ChainBoundary(file.SegmentNumber + 1, false, 0, 0, null, magic, systemIdentifier);
        var lastRecord = scan.LastRecordLsn != 0 ? scan.LastRecordLsn : join.LastRecord;
        return new ChainBoundary(file.SegmentNumber + 1, true, lastRecord, scan.LastPageTimeline, scan.Tail, magic, systemIdentifier);
    }

    /// <summary>What crossing the boundary found.</summary>
    /// <param name="Previous">the record the first record starting in this segment must link to.</param>
    /// <param name="Broken">where the chain broke at the boundary (null: it did not).</param>
    /// <param name="LastRecord">the last complete record before the segment's own records.</param>
    /// <param name="Carried">the pending record, still incomplete after this whole segment.</param>
    /// <param name="Completed">the record pending before was completed and proven.</param>
    private sealed record Joined(bool PreviousKnown, ulong Previous, ulong? Broken, ulong LastRecord, PendingRecord? Carried,
        bool SwitchPadding = false, bool HeadFaultReported = false, bool Completed = false)
    {
        public static readonly Joined Unlinked = new(false, 0, null, 0, null);
    }

    private static Joined Join(ChainBoundary before, SegmentScan scan, List<WalProblem> problems)
    {
        var file = scan.File;
        var head = scan.Head;
        var pending = before.Pending;
        Joined Known(ulong previous, bool completed = false) => new(previous != 0, previous, null, previous, null, Completed: completed);
        Joined BrokenAt(ulong lsn, string message)
        {
            problems.Add(new WalProblem(file.Name, lsn, WalProblemKind.Record, message));
            return new Joined(false, 0, lsn, 0, null);
        }

        if (pending is not null && scan.FirstPageOverwrite)
            pending = null; // abandoned at a crash: WAL resumes after the record before it
        if (pending is null)
        {
            if (head is not null)
            {
                var at = file.Start + XLog.LongPageHeaderSize;
                return BrokenAt(at, $"contrecord is requested by {Lsn.Format(at)}");
            }
            return Known(before.LastRecord);
        }

        var record = pending.Lsn;
        Joined RecordBroken(string message, bool headFault = false)
        {
            problems.Add(new WalProblem(pending.File, record, WalProblemKind.Record, $"{message} (the record goes on to {file.Name})"));
            return new Joined(false, 0, record, 0, null, HeadFaultReported: headFault);
        }

        if (head is null)
            return RecordBroken($"there is no contrecord flag at {Lsn.Format(record)}");
        if (head.RemainingLength == 0 || pending.TotalLength != head.RemainingLength + pending.Read)
        {
            return RecordBroken($"invalid contrecord length {head.RemainingLength} (expected {(long)pending.TotalLength - pending.Read}) at {Lsn.Format(record)}");
        }
        if (head.End == HeadEnd.Broken && head.Fault is null)
            return new Joined(false, 0, record, 0, null); // a page inside the head is invalid: the walk's stop says so

        var header = pending.Header.ToArray();
        var headerNeeded = XLog.RecordHeaderSize - pending.HeaderRead;
        if (headerNeeded > 0)
        {
            if (head.Prefix.Length < headerNeeded)
                return new Joined(false, 0, record, 0, null);
            head.Prefix.AsSpan(0, headerNeeded).CopyTo(header.AsSpan(pending.HeaderRead));
            if (HeaderProblem(header, record, before.LastRecord) is { } headerProblem)
                return RecordBroken(headerProblem);
        }
        if (head.Fault is { } fault)
        {
            return RecordBroken(fault.MissingFlag
                ? $"there is no contrecord flag at {Lsn.Format(record)}"
                : $"invalid contrecord length {fault.RemainingLength} (expected {fault.ExpectedRemainingLength}) at {Lsn.Format(record)}", headFault: true);
        }
        if (head.End == HeadEnd.Abandoned)
            return Known(before.LastRecord);

        // the data of the record in this head: the head without the header bytes it completed
        var dataLength = (ulong)head.Length - (ulong)headerNeeded;
        var headerPartCrc = Crc32C.Update(0, head.Prefix.AsSpan(0, headerNeeded));
        var dataCrcFromZero = head.Crc ^ Crc32C.Shift(headerPartCrc, dataLength);
        var crc = Crc32C.Shift(pending.Crc, dataLength) ^ dataCrcFromZero;
        var read = pending.Read + head.Length;
        if (head.End == HeadEnd.ContinuesBeyond)
            return new Joined(false, 0, null, before.LastRecord, new PendingRecord(pending.File, record, pending.TotalLength, read, header, XLog.RecordHeaderSize, crc));

        var computed = Crc32C.Finish(Crc32C.Update(crc, header.AsSpan(0, XLog.RecordCrcOffset)));
        if (computed != BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(XLog.RecordCrcOffset)))
            return RecordBroken($"incorrect resource manager data checksum in record at {Lsn.Format(record)}");
        if (XLog.IsSwitch(header[17], header[16]))
            return new Joined(true, record, null, record, null, SwitchPadding: true, Completed: true);
        return Known(record, completed: true);
    }

    /// <summary>ValidXLogRecordHeader for a header completed across the boundary (its length was checked before).</summary>
    private static string? HeaderProblem(ReadOnlySpan<byte> header, ulong record, ulong lastRecord)
    {
        var rmid = header[17];
        if (!XLog.IsValidResourceManager(rmid))
            return $"invalid resource manager ID {rmid} at {Lsn.Format(record)}";
        var previous = BinaryPrimitives.ReadUInt64LittleEndian(header[8..]);
        if (lastRecord != 0 ? previous != lastRecord : previous >= record)
            return $"record with incorrect prev-link {Lsn.Format(previous)} at {Lsn.Format(record)}";
        return null;
    }

    /// <summary>One PostgreSQL version and one database system throughout the chain.</summary>
    private static bool SameSystem(SegmentScan scan, ref ushort magic, ref ulong systemIdentifier, List<WalProblem> problems)
    {
        var file = scan.File;
        if (magic == 0)
        {
            magic = scan.Magic;
        }
        else if (scan.Magic != magic)
        {
            problems.Add(new WalProblem(file.Name, file.Start, WalProblemKind.Identity,
                $"invalid magic number {WalMagic.Describe(scan.Magic)}, expected {WalMagic.Describe(magic)}: WAL of another PostgreSQL version"));
            return false;
        }
        if (systemIdentifier == 0)
        {
            systemIdentifier = scan.SystemIdentifier;
        }
        else if (scan.SystemIdentifier != systemIdentifier)
        {
            problems.Add(new WalProblem(file.Name, file.Start, WalProblemKind.Identity,
                $"WAL file is from a different database system: system identifier {scan.SystemIdentifier}, expected {systemIdentifier}"));
            return false;
        }
        return true;
    }
}
