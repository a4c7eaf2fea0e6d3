using Barman.Core.Storage;

namespace Barman.Core.Wal;

/// <summary>A WAL segment (or <c>.partial</c>) found in the archive, decoded.</summary>
internal sealed record WalSegment(string Name, uint Timeline, ulong Log, ulong Segment, bool Partial)
{
    /// <summary>Position of the segment on its timeline: log × segments-per-log + seg.</summary>
    public ulong Position(ulong segmentsPerLog) => (Log * segmentsPerLog) + Segment;
}

/// <summary>
/// The files really present in the archive (a segment deleted by hand still has its xlog.db
/// line, so continuity and "has it arrived" questions look at the storage), listed without any stat.
/// </summary>
internal static class WalArchiveContents
{
    /// <summary>Segments (and <c>.partial</c> files) found in the hash directories of the archive.</summary>
    public static async Task<IReadOnlyList<WalSegment>> ScanSegmentsAsync(IArchiveStorage storage, CancellationToken cancellationToken)
    {
        var result = new List<WalSegment>();
        foreach (var directory in await storage.ListAsync("", cancellationToken))
        {
            if (!directory.IsDirectory || directory.Name.Length != 16 || !directory.Name.All(Uri.IsHexDigit))
                continue;
            foreach (var file in await storage.ListAsync(directory.Name, cancellationToken))
            {
                var kind = WalFileName.Classify(file.Name);
                if (file.IsDirectory || kind is not (WalFileKind.Segment or WalFileKind.Partial) || WalFileName.Decode(file.Name) is not { } decoded)
                    continue;
                result.Add(new WalSegment(file.Name, decoded.Timeline, decoded.Log, decoded.Segment, kind == WalFileKind.Partial));
            }
        }
        return result;
    }

    /// <summary>Timelines whose <c>.history</c> file is in the archive root.</summary>
    public static async Task<IReadOnlySet<uint>> ScanHistoryTimelinesAsync(IArchiveStorage storage, CancellationToken cancellationToken)
    {
        var result = new HashSet<uint>();
        foreach (var file in await storage.ListAsync("", cancellationToken))
        {
            if (!file.IsDirectory && WalFileName.IsHistoryFile(file.Name) && WalFileName.Timeline(file.Name) is { } timeline)
                result.Add(timeline);
        }
        return result;
    }
}
