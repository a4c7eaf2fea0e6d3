namespace Barman.Core.Wal.Format;

/// <summary>
/// verify-wal's engine: proves every byte of a WAL archive. Timelines are walked parents first, each as one chain
/// of its own segments joined to the ancestor's segment it follows; the segments of a chain are walked in
/// parallel and stitched in order. The walk of a segment may stop without a problem only where the WAL of its
/// timeline is allowed to end: in the timeline's last file, at or after the switch point of its child (the
/// child's history file), or, for a timeline without a child, in a <c>.partial</c> whose tail is zeros.
/// </summary>
internal sealed class WalArchiveVerifier(WalVerifyOptions options)
{
    public async Task<WalVerification> VerifyAsync(WalReadSource source, CancellationToken cancellationToken)
    {
        var expect = options.Expect.Validated();
        var plan = await ArchivePlan.BuildAsync(source, expect, options.ResumeAt, cancellationToken);
        var problems = new ProblemList(options.MaxProblems);
        foreach (var problem in plan.Problems)
            problems.Add(problem);
        var chain = new SegmentChain(new SegmentScanner(source, expect, options.Parallelism, options.BufferSize));
        var predecessors = plan.Predecessors;
        var kept = new Dictionary<(uint, ulong), ChainBoundary>();
        var magic = expect.Magic ?? 0;
        var systemIdentifier = expect.SystemIdentifier ?? 0;
        var timelines = new List<TimelineVerification>();
        long files = 0, records = 0, bytes = 0;

        foreach (var timeline in plan.Timelines)
        {
            var start = timeline.Predecessor is { } predecessor && kept.TryGetValue(predecessor, out var boundary)
                ? boundary
                : new ChainBoundary(0, false, 0, 0, null, magic, systemIdentifier);
            var tally = new TimelineTally(timeline, plan.Problems.Count(p => WalFileName.Timeline(p.File) == timeline.Timeline));
            var last = timeline.Files[^1];
            var after = await chain.VerifyAsync(timeline.Files, start, step =>
            {
                foreach (var problem in step.Problems)
                {
                    if (problem.Stop is { } stop && IsEndOfTimeline(timeline, step.Scan.File, last, stop))
                        continue;
                    problems.Add(Explained(timeline, step.Scan.File, last, problem));
                    tally.AddProblem();
                }
                var size = step.Scan.Length;
                if (size > step.Scan.File.SegmentSize || size < step.Scan.File.SegmentSize && step.Scan.Stop?.Kind is not (StopKind.ShortFile or StopKind.Unreadable))
                {
                    problems.Add(new WalProblem(step.Scan.File.Name, null, WalProblemKind.File, $"the file is {size} bytes, a segment is {step.Scan.File.SegmentSize} bytes"));
                    tally.AddProblem();
                }
                tally.Add(step);
                files++;
                records += step.RecordCount;
                bytes += size;
                if (predecessors.Contains((timeline.Timeline, step.Scan.File.SegmentNumber)))
                    kept[(timeline.Timeline, step.Scan.File.SegmentNumber)] = step.After;
            }, cancellationToken);
            (magic, systemIdentifier) = (after.Magic, after.SystemIdentifier);
            timelines.Add(tally.Result());
        }

        return new WalVerification(timelines, problems.Ordered(), problems.Count, files, records, bytes);
    }

    /// <summary>A walk may stop without a problem only where its timeline's WAL is allowed to end.</summary>
    private static bool IsEndOfTimeline(TimelinePlan timeline, WalSegmentFile file, WalSegmentFile last, WalkStop stop)
    {
        if (file != last || stop.Kind is StopKind.ShortFile or StopKind.Unreadable)
            return false;
        if (timeline.EndsAt is { } switchPoint)
            return (stop.RecordLsn ?? stop.Lsn) >= switchPoint;
        return file.IsPartial && stop.IsEndOfWal;
    }

    /// <summary>A stop that is not an end of WAL, with why not when it is in the last file.</summary>
    private static WalProblem Explained(TimelinePlan timeline, WalSegmentFile file, WalSegmentFile last, WalProblem problem)
    {
        if (problem.Stop is null || file != last || problem.Stop.Kind is StopKind.ShortFile or StopKind.Unreadable)
            return problem;
        var why = timeline.EndsAt is { } switchPoint
            ? $"timeline {timeline.Timeline} must go on to {Lsn.Format(switchPoint)}, where a child timeline branches off"
            : file.IsPartial ? "there is WAL after it" : "a complete segment cannot end there";
        return problem with { Message = $"{problem.Message} ({why})" };
    }
}
