namespace Barman.Core.Wal;

/// <summary>How one archiving run ended: an archive-wal run, or (later) a batch archived by receive-wal.</summary>
/// <param name="Started">When the run started (UTC).</param>
/// <param name="Duration">How long it took.</param>
/// <param name="Success">False when an error stopped it.</param>
/// <param name="Archived">Files archived by the run (added to xlog.db).</param>
/// <param name="Error">The error printed (the first one), when it failed.</param>
internal sealed record ArchiveRunOutcome(DateTimeOffset Started, TimeSpan Duration, bool Success, int Archived, string? Error);

/// <summary>
/// What <see cref="ArchiveRunOutcomes"/> keeps per server: the last run, when the last successful run
/// ended, and since when runs fail (null while they succeed).
/// </summary>
internal sealed record ArchiveRunStatus(ArchiveRunOutcome LastRun, DateTimeOffset? LastSuccess, DateTimeOffset? FailingSince, int ConsecutiveFailures);
