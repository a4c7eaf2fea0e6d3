namespace Barman.Core.Wal.Format;

/// <summary>Adds up the steps of one timeline's chain into its <see cref="TimelineVerification"/>.</summary>
internal sealed class TimelineTally(TimelinePlan plan, int problemsBefore)
{
    private int _problems = problemsBefore;
    private long _records;
    private ulong _end;

    public void Add(ChainStep step)
    {
        _records += step.RecordCount;
        _end = Math.Max(_end, step.Scan.EndLsn);
    }

    public void AddProblem() => _problems++;

    public TimelineVerification Result() => new(
        plan.Timeline,
        plan.History?.Parent,
        plan.Files[0].Name,
        plan.Files[^1].Name,
        plan.Files.Count,
        _records,
        plan.Files[0].Start,
        _end,
        plan.EndsAt,
        _problems == 0 ? TimelineStatus.Ok : TimelineStatus.Failed);
}
