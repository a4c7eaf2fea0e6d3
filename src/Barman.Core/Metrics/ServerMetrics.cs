namespace Barman.Core.Metrics;

/// <summary>What <see cref="MetricsCollector"/> found for one server; null: not applicable or unknown (no sample).</summary>
internal sealed record ServerMetrics
{
    public required string Server { get; init; }
    public bool? ReceiveWalUp { get; init; }
    public bool? PostgresUp { get; init; }
    public long? StreamingLagBytes { get; init; }
    public long? SlotRetainedBytes { get; init; }
    public double? LastArchivedWalTime { get; init; }
    public double? LastArchivedWalAgeSeconds { get; init; }
    public int ArchivedWalFiles { get; init; }
    public long ArchiveSizeBytes { get; init; }
    /// <summary>Files waiting, by queue (<c>streaming</c>, <c>incoming</c>): the enabled archivers only.</summary>
    public IReadOnlyList<KeyValuePair<string, int>> QueueFiles { get; init; } = [];
    /// <summary>Entries of the errors directory, by kind label (every kind, zeros included).</summary>
    public IReadOnlyList<KeyValuePair<string, int>> ArchiverErrors { get; init; } = [];
    public bool? LastRunSuccess { get; init; }
    public double? LastRunEndTime { get; init; }
    public double? LastRunDurationSeconds { get; init; }
    public int? LastRunArchivedFiles { get; init; }
    public double? LastSuccessTime { get; init; }
    public int? ConsecutiveFailures { get; init; }
}
