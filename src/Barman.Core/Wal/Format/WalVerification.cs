namespace Barman.Core.Wal.Format;

/// <summary>How verify-wal runs: what the WAL must look like, how many segments are walked at once, how much is reported.</summary>
/// <param name="MaxProblems">problems listed in full; the others are only counted.</param>
internal sealed record WalVerifyOptions(WalExpectations Expect, int Parallelism, int BufferSize = SegmentScanner.DefaultBufferSize, int MaxProblems = 1000)
{
    /// <summary>Where to start: the end of an earlier proven run (null: the whole archive).</summary>
    public WalResumePoint? ResumeAt { get; init; }

    public static WalVerifyOptions For(WalExpectations expect) => new(expect, Environment.ProcessorCount);
}

/// <summary>A segment of a timeline to start verifying from (the last file of an earlier proven run: walked again).</summary>
internal readonly record struct WalResumePoint(uint Timeline, ulong Segment);

internal enum TimelineStatus
{
    /// <summary>Every segment of the timeline is present and every record in it proven.</summary>
    Ok,

    /// <summary>At least one problem is in the timeline's files (or its history file is missing).</summary>
    Failed,
}

/// <summary>
/// One timeline of the archive: its own files (first, last, count), where its verified WAL starts and ends,
/// where its child branches off (<see cref="EndsAt"/>, from the child's history file), and its status.
/// </summary>
internal sealed record TimelineVerification(
    uint Timeline,
    uint? Parent,
    string FirstFile,
    string LastFile,
    int FileCount,
    long RecordCount,
    ulong StartLsn,
    ulong EndLsn,
    ulong? EndsAt,
    TimelineStatus Status);

/// <summary>
/// The result of verify-wal: per timeline, and every problem (the first <see cref="WalVerifyOptions.MaxProblems"/>
/// listed, <see cref="ProblemCount"/> counting all). Proven only when there is no problem at all.
/// </summary>
internal sealed record WalVerification(
    IReadOnlyList<TimelineVerification> Timelines,
    IReadOnlyList<WalProblem> Problems,
    int ProblemCount,
    long FileCount,
    long RecordCount,
    long Bytes)
{
    public bool IsProven => ProblemCount == 0;
}
