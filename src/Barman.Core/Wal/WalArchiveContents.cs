namespace Barman.Core.Wal;

/// <summary>A WAL segment (or <c>.partial</c>) found in the archive, decoded.</summary>
internal sealed record WalSegment(string Name, uint Timeline, ulong Log, ulong Segment, bool Partial)
{
    /// <summary>Position of the segment on its timeline: log × segments-per-log + seg.</summary>
    public ulong Position(ulong segmentsPerLog) => (Log * segmentsPerLog) + Segment;
}

/// <summary>
/// The files really present under <c>wals/</c> (a segment deleted by hand still has its xlog.db
/// line, so continuity and "has it arrived" questions look at the disk).
/// </summary>
internal static class WalArchiveContents
{
    /// <summary>True when xlog.db is missing or empty (Barman's <c>WAL archive</c> test).</summary>
    public static bool XlogdbIsEmpty(string path) => !File.Exists(path) || new FileInfo(path).Length == 0;

    /// <summary>Segments (and <c>.partial</c> files) found in the hash directories of <paramref name="walsDirectory"/>.</summary>
    public static IReadOnlyList<WalSegment> ScanSegments(string walsDirectory)
    {
        var result = new List<WalSegment>();
        if (!Directory.Exists(walsDirectory))
            return result;
        foreach (var dir in Directory.EnumerateDirectories(walsDirectory))
        {
            var hash = Path.GetFileName(dir);
            if (hash.Length != 16 || !hash.All(Uri.IsHexDigit))
                continue;
            foreach (var file in Directory.EnumerateFiles(dir))
            {
                var name = Path.GetFileName(file);
                var kind = WalFileName.Classify(name);
                if (kind is not (WalFileKind.Segment or WalFileKind.Partial) || WalFileName.Decode(name) is not { } decoded)
                    continue;
                result.Add(new WalSegment(name, decoded.Timeline, decoded.Log, decoded.Segment, kind == WalFileKind.Partial));
            }
        }
        return result;
    }

    /// <summary>Timelines whose <c>.history</c> file is in the archive root.</summary>
    public static IReadOnlySet<uint> ScanHistoryTimelines(string walsDirectory)
    {
        var result = new HashSet<uint>();
        if (!Directory.Exists(walsDirectory))
            return result;
        foreach (var file in Directory.EnumerateFiles(walsDirectory, "*.history"))
        {
            var name = Path.GetFileName(file);
            if (WalFileName.IsHistoryFile(name) && WalFileName.Timeline(name) is { } timeline)
                result.Add(timeline);
        }
        return result;
    }
}
