using Barman.Core.Postgres;

namespace Barman.Core.Checks;

/// <summary>WAL archiving statistics (<c>pg_stat_archiver</c>), for the file archiver.</summary>
internal sealed record ArchiverFacts(
    string? ArchiveMode,
    string? ArchiveCommand,
    bool? IsArchiving,
    string? LastArchivedWal,
    DateTime? LastArchivedTime,
    long? FailedCount,
    string? LastFailedWal,
    DateTime? LastFailedTime,
    double? ArchivedWalsPerSecond);

/// <summary>The WAL streamer connected to the server on behalf of this server's receive-wal.</summary>
internal sealed record StreamerFacts(string? FlushLsn, long? FlushLagBytes);

/// <summary>
/// What the normal (SQL) connection says about the server (Barman's remote status). When the
/// server could not be reached, <see cref="Version"/> is null and every other field is unset.
/// </summary>
internal sealed record PostgresFacts
{
    public static readonly PostgresFacts Unreachable = new();

    /// <summary>The server could not be reached or queried, and why (libpq's wording, one line).</summary>
    public static PostgresFacts Failed(string error) => new() { Error = error };

    /// <summary>Why the server could not be reached or queried; null when it was, or when no reason is known.</summary>
    public string? Error { get; init; }

    public PgVersion? Version { get; init; }
    public bool IsSuperuser { get; init; }
    /// <summary>Null when the privilege query itself failed (Barman then prints no item).</summary>
    public bool? HasBackupPrivileges { get; init; }
    public string? WalLevel { get; init; }
    public bool IsInRecovery { get; init; }
    public string? SystemId { get; init; }
    public string? DataDirectory { get; init; }
    public long? CurrentSize { get; init; }
    public string? CurrentLsn { get; init; }
    public string? CurrentWalFile { get; init; }
    public long? WalSegmentSize { get; init; }
    /// <summary>Null when no slot_name is configured or the slot does not exist.</summary>
    public ReplicationSlotStatus? Slot { get; init; }
    public ArchiverFacts? Archiver { get; init; }
    /// <summary>The receive-wal walsender, when one is connected.</summary>
    public StreamerFacts? Streamer { get; init; }

    public bool Reachable => Version is not null;
}

/// <summary>What the replication connection says (IDENTIFY_SYSTEM), or why it could not be opened.</summary>
internal sealed record StreamingFacts(bool Connected, string? Error, string? SystemId, PgVersion? Version, uint? Timeline)
{
    public static StreamingFacts Failed(string error) => new(false, error, null, null, null);
}
