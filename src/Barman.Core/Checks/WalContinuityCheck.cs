using Barman.Core.Storage;
using Barman.Core.Wal;

namespace Barman.Core.Checks;

/// <summary>
/// Ours (no peer has it in check): the archive must hold every segment of each timeline from the
/// first archived one to the newest, and the history file of every timeline after the first.
/// Reads the files really present in the archive (through its storage), not xlog.db, so a segment lost on disk shows.
/// </summary>
internal sealed class WalContinuityCheck : ICheckItem
{
    private const long DefaultSegmentSize = 16L << 20;

    public async Task RunAsync(CheckContext context, CancellationToken cancellationToken)
    {
        var storage = ArchiveStorage.For(context.Server);
        var segments = await WalArchiveContents.ScanSegmentsAsync(storage, cancellationToken);
        if (segments.Count == 0)
            return;
        var segmentSize = (await context.PostgresAsync(cancellationToken)).WalSegmentSize ?? DefaultSegmentSize;
        var segmentsPerLog = WalFileName.SegmentsPerLog(segmentSize);
        var problem = FindProblem(segments, await WalArchiveContents.ScanHistoryTimelinesAsync(storage, cancellationToken), segmentsPerLog);
        context.Result("wal continuity", problem is null, problem);
    }

    /// <summary>The first problem found (missing history file, first missing segment), or null.</summary>
    public static string? FindProblem(IReadOnlyList<WalSegment> segments, IReadOnlySet<uint> historyTimelines, ulong segmentsPerLog)
    {
        var timelines = segments.GroupBy(s => s.Timeline).OrderBy(g => g.Key).ToList();
        var first = timelines[0].Key;
        foreach (var timeline in timelines)
        {
            if (timeline.Key != first && !historyTimelines.Contains(timeline.Key))
                return $"the history file {timeline.Key:X8}.history is missing";
            var positions = timeline.Select(s => s.Position(segmentsPerLog)).Distinct().Order().ToList();
            for (var i = 1; i < positions.Count; i++)
            {
                if (positions[i] != positions[i - 1] + 1)
                    return $"the first missing WAL file is {WalFileName.SegmentFileName(timeline.Key, positions[i - 1] + 1, segmentsPerLog)}";
            }
        }
        return null;
    }
}
