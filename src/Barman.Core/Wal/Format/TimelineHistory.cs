using System.Globalization;

namespace Barman.Core.Wal.Format;

/// <summary>One line of a timeline history file: timeline <see cref="Parent"/> ended at <see cref="SwitchPoint"/>.</summary>
internal sealed record TimelineSwitch(uint Parent, ulong SwitchPoint, string Reason);

/// <summary>
/// A <c>NNNNNNNN.history</c> file: the ancestors of <see cref="Timeline"/>, oldest first, each with the LSN
/// where its child branched off (<c>parentTLI&lt;TAB&gt;switchpoint&lt;TAB&gt;reason</c> lines, as PostgreSQL's
/// readTimeLineHistory reads them).
/// </summary>
internal sealed record TimelineHistory(uint Timeline, IReadOnlyList<TimelineSwitch> Ancestors)
{
    /// <summary>The timeline this one branched from.</summary>
    public uint Parent => Ancestors[^1].Parent;

    /// <summary>Where this timeline begins: the end of <see cref="Parent"/>.</summary>
    public ulong SwitchPoint => Ancestors[^1].SwitchPoint;

    /// <summary>
    /// The timeline whose WAL holds <paramref name="lsn"/> when following this timeline (PostgreSQL's
    /// tliOfPointInHistory: a switch point itself belongs to the child).
    /// </summary>
    public uint TimelineOf(ulong lsn)
    {
        foreach (var ancestor in Ancestors)
        {
            if (lsn < ancestor.SwitchPoint)
                return ancestor.Parent;
        }
        return Timeline;
    }

    /// <summary>Parses the file of timeline <paramref name="timeline"/>.</summary>
    /// <exception cref="FormatException">the text is not a valid history of <paramref name="timeline"/>.</exception>
    public static TimelineHistory Parse(string text, uint timeline)
    {
        var ancestors = new List<TimelineSwitch>();
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.TrimEnd('\r');
            var content = line.TrimStart();
            if (content.Length == 0 || content[0] == '#')
                continue;
            var entry = ParseLine(content, lineNumber);
            if (ancestors.Count > 0 && entry.Parent <= ancestors[^1].Parent)
                throw new FormatException($"line {lineNumber}: timeline IDs must be in increasing sequence ({entry.Parent} after {ancestors[^1].Parent})");
            if (ancestors.Count > 0 && entry.SwitchPoint < ancestors[^1].SwitchPoint)
                throw new FormatException($"line {lineNumber}: switchpoint {Lsn.Format(entry.SwitchPoint)} is before the previous one, {Lsn.Format(ancestors[^1].SwitchPoint)}");
            ancestors.Add(entry);
        }
        if (ancestors.Count == 0)
            throw new FormatException("no parent timeline: the history file has no entry");
        if (ancestors[^1].Parent >= timeline)
            throw new FormatException($"parent timeline {ancestors[^1].Parent} is not less than the file's timeline {timeline}");
        return new TimelineHistory(timeline, ancestors);
    }

    /// <summary>sscanf("%u\t%X/%X"): fields separated by white space, the reason is the rest of the line.</summary>
    private static TimelineSwitch ParseLine(string line, int lineNumber)
    {
        var fields = line.Split((char[])[' ', '\t'], 3, StringSplitOptions.RemoveEmptyEntries);
        if (!uint.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var parent))
            throw new FormatException($"line {lineNumber}: expected a numeric timeline ID, got '{fields[0]}'");
        if (fields.Length < 2 || !Lsn.TryParse(fields[1], out var switchPoint))
            throw new FormatException($"line {lineNumber}: expected a write-ahead log switchpoint location after timeline {parent}");
        if (parent == 0)
            throw new FormatException($"line {lineNumber}: timeline 0 is not a timeline");
        return new TimelineSwitch(parent, switchPoint, fields.Length > 2 ? fields[2].Trim() : "");
    }
}
