using System.Text;

namespace Barman.Core.Wal.Format;

/// <summary>
/// One timeline of the archive: its own segment files in order (a complete segment preferred to a
/// <c>.partial</c> of the same name), its history, the LSN its children branch off at (the WAL it must hold up
/// to), and the segment of an ancestor its first file follows (<see cref="Predecessor"/>).
/// </summary>
internal sealed record TimelinePlan(
    uint Timeline,
    TimelineHistory? History,
    IReadOnlyList<WalSegmentFile> Files,
    ulong? EndsAt,
    (uint Timeline, ulong Segment)? Predecessor);

/// <summary>
/// The archive as verify-wal walks it: timelines parents first, what is missing (segments inside a timeline,
/// segments between a parent and the switch to its child, history files), history files that cannot be parsed.
/// Built from the names alone and the (small) history files.
/// </summary>
internal sealed class ArchivePlan
{
    private ArchivePlan(IReadOnlyList<TimelinePlan> timelines, IReadOnlyList<WalProblem> problems)
    {
        Timelines = timelines;
        Problems = problems;
    }

    public IReadOnlyList<TimelinePlan> Timelines { get; }

    public IReadOnlyList<WalProblem> Problems { get; }

    /// <summary>The boundaries to keep while walking: the segments some child timeline's first file follows.</summary>
    public IReadOnlySet<(uint Timeline, ulong Segment)> Predecessors =>
        Timelines.Where(t => t.Predecessor is not null).Select(t => t.Predecessor!.Value).ToHashSet();

    /// <param name="source">the archive.</param>
    /// <param name="expect">what its WAL must look like.</param>
    /// <param name="resume">where a proven earlier run ended: files of earlier timelines and earlier segments of its
    /// timeline are left out, and what comes before the resume point is not missing.</param>
    /// <param name="cancellationToken">cancels the reads.</param>
    public static async Task<ArchivePlan> BuildAsync(WalReadSource source, WalExpectations expect, WalResumePoint? resume, CancellationToken cancellationToken)
    {
        var problems = new List<WalProblem>();
        var files = new Dictionary<uint, SortedDictionary<ulong, WalSegmentFile>>();
        var historyNames = new List<string>();
        foreach (var name in source.Names.Order(StringComparer.Ordinal))
        {
            switch (WalFileName.Classify(name))
            {
                case WalFileKind.History:
                    historyNames.Add(name);
                    break;
                case WalFileKind.Segment or WalFileKind.Partial:
                    if (WalSegmentFile.FromName(name, expect.SegmentSize) is not { } file)
                    {
                        problems.Add(new WalProblem(name, null, WalProblemKind.File, $"not a valid segment name for a segment size of {expect.SegmentSize} bytes"));
                        break;
                    }
                    if (resume is { } from && (file.Timeline < from.Timeline || file.Timeline == from.Timeline && file.SegmentNumber < from.Segment))
                        break;
                    if (!files.TryGetValue(file.Timeline, out var byNumber))
                        files[file.Timeline] = byNumber = [];
                    if (!byNumber.TryGetValue(file.SegmentNumber, out var existing) || existing.IsPartial && !file.IsPartial)
                        byNumber[file.SegmentNumber] = file;
                    break;
            }
        }

        var histories = new Dictionary<uint, TimelineHistory>();
        foreach (var name in historyNames)
        {
            var timeline = WalFileName.Timeline(name)!.Value;
            try
            {
                histories[timeline] = TimelineHistory.Parse(await ReadTextAsync(source, name, cancellationToken), timeline);
            }
            catch (FormatException e)
            {
                problems.Add(new WalProblem(name, null, WalProblemKind.History, $"invalid history file: {e.Message}"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                problems.Add(new WalProblem(name, null, WalProblemKind.File, $"cannot read the history file: {e.Message}"));
            }
        }

        ReportDisagreeingHistories(histories, problems);
        var plans = new List<TimelinePlan>();
        foreach (var (timeline, byNumber) in files.OrderBy(f => f.Key))
        {
            var own = byNumber.Values.ToList();
            histories.TryGetValue(timeline, out var history);
            if (history is null && timeline > 1 && !historyNames.Contains(HistoryName(timeline), StringComparer.Ordinal))
                problems.Add(new WalProblem(HistoryName(timeline), null, WalProblemKind.Missing, $"timeline {timeline} has WAL but no history file"));
            ReportGaps(own, problems);
            var endsAt = histories.Values.Where(h => h.Parent == timeline).Select(h => (ulong?)h.SwitchPoint).Max();
            var resumed = resume is { } from && from.Timeline == timeline;
            plans.Add(new TimelinePlan(timeline, history, own, endsAt, resumed ? null : Predecessor(timeline, history, own, files, expect, problems)));
        }
        foreach (var (timeline, history) in histories.Where(h => !files.ContainsKey(h.Key)).OrderBy(h => h.Key))
            ReportUncoveredSwitch(timeline, history, files, expect, problems);
        return new ArchivePlan(plans, problems);
    }

    /// <summary>A child's history file repeats its parent's, then adds one line: the switch from the parent.</summary>
    private static void ReportDisagreeingHistories(Dictionary<uint, TimelineHistory> histories, List<WalProblem> problems)
    {
        foreach (var (timeline, history) in histories.OrderBy(h => h.Key))
        {
            if (!histories.TryGetValue(history.Parent, out var parent))
                continue;
            var inherited = history.Ancestors.Take(history.Ancestors.Count - 1).Select(a => (a.Parent, a.SwitchPoint));
            if (!inherited.SequenceEqual(parent.Ancestors.Select(a => (a.Parent, a.SwitchPoint))))
            {
                problems.Add(new WalProblem(HistoryName(timeline), null, WalProblemKind.History,
                    $"the history of timeline {timeline} does not begin with the history of its parent, timeline {history.Parent}"));
            }
        }
    }

    /// <summary>A timeline with a history but no WAL yet still needs its parent's WAL up to the segment it branches in.</summary>
    private static void ReportUncoveredSwitch(
        uint timeline,
        TimelineHistory history,
        Dictionary<uint, SortedDictionary<ulong, WalSegmentFile>> files,
        WalExpectations expect,
        List<WalProblem> problems)
    {
        var size = (ulong)expect.SegmentSize;
        var begin = history.SwitchPoint / size;
        if (begin == 0)
            return;
        var ancestor = history.TimelineOf((begin - 1) * size);
        if (files.TryGetValue(ancestor, out var ancestorFiles) && ancestorFiles.Keys.Max() is var last && last < begin - 1)
        {
            problems.Add(MissingRange(ancestor, last + 1, begin - 1, size,
                $"timeline {timeline} branches off timeline {ancestor} at {Lsn.Format(history.SwitchPoint)}"));
        }
    }

    /// <summary>
    /// The segment of an ancestor that the first file of <paramref name="timeline"/> follows: the one before the
    /// segment holding the switch point, on the timeline that owns it. Missing segments on the way are reported.
    /// </summary>
    private static (uint, ulong)? Predecessor(
        uint timeline,
        TimelineHistory? history,
        List<WalSegmentFile> own,
        Dictionary<uint, SortedDictionary<ulong, WalSegmentFile>> files,
        WalExpectations expect,
        List<WalProblem> problems)
    {
        if (history is null)
            return null;
        var size = (ulong)expect.SegmentSize;
        var begin = history.SwitchPoint / size;
        var first = own[0].SegmentNumber;
        if (first < begin)
        {
            problems.Add(new WalProblem(own[0].Name, own[0].Start, WalProblemKind.History,
                $"timeline {timeline} begins at {Lsn.Format(history.SwitchPoint)} (its history file) but this segment is before it"));
            return null;
        }
        if (begin == 0)
            return null;
        var ancestor = history.TimelineOf((begin - 1) * size);
        if (!files.TryGetValue(ancestor, out var ancestorFiles))
            return null; // the archive starts after the switch
        var ancestorLast = ancestorFiles.Keys.Max();
        if (ancestorLast < begin - 1)
        {
            problems.Add(MissingRange(ancestor, ancestorLast + 1, begin - 1, size,
                $"timeline {timeline} branches off timeline {ancestor} at {Lsn.Format(history.SwitchPoint)}"));
            return null;
        }
        if (!ancestorFiles.ContainsKey(begin - 1))
            return null; // already reported as a gap of the ancestor (or before its first file)
        if (first > begin)
        {
            problems.Add(MissingRange(timeline, begin, first - 1, size,
                $"timeline {timeline} begins at {Lsn.Format(history.SwitchPoint)}"));
            return null;
        }
        return (ancestor, begin - 1);
    }

    private static void ReportGaps(List<WalSegmentFile> own, List<WalProblem> problems)
    {
        for (var i = 1; i < own.Count; i++)
        {
            var (before, after) = (own[i - 1], own[i]);
            if (after.SegmentNumber != before.SegmentNumber + 1)
                problems.Add(MissingRange(after.Timeline, before.SegmentNumber + 1, after.SegmentNumber - 1, (ulong)after.SegmentSize, $"between {before.Name} and {after.Name}"));
        }
    }

    private static WalProblem MissingRange(uint timeline, ulong first, ulong last, ulong size, string context)
    {
        var firstName = Lsn.SegmentFileName(timeline, first, (long)size);
        var count = last - first + 1;
        var what = count == 1
            ? "segment missing"
            : $"{count} segments missing, up to {Lsn.SegmentFileName(timeline, last, (long)size)}";
        return new WalProblem(firstName, first * size, WalProblemKind.Missing, $"{what} ({context})");
    }

    private static string HistoryName(uint timeline) => $"{timeline:X8}.history";

    private static async Task<string> ReadTextAsync(WalReadSource source, string name, CancellationToken cancellationToken)
    {
        await using var stream = await source.Open(name, cancellationToken);
        using var reader = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: false));
        return await reader.ReadToEndAsync(cancellationToken);
    }
}
