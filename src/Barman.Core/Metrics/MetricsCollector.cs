using Barman.Core.Configuration;
using Barman.Core.Logging;
using Barman.Core.Postgres;
using Barman.Core.Streaming;
using Barman.Core.Wal;
using Npgsql;

namespace Barman.Core.Metrics;

/// <summary>
/// Gathers servers' metrics cheaply: for each, a lock probe, a listing of each queue and of errors/,
/// one pass over xlog.db, the archive-wal outcome file, and one query to PostgreSQL on the connection
/// its conninfo shares with the other servers of this run (<see cref="SharedConnections"/>, opening
/// bounded by <see cref="PostgresTimeout"/>; an unreachable server only loses its PostgreSQL samples).
/// </summary>
internal sealed class MetricsCollector(TimeProvider? clock = null) : IAsyncDisposable
{
    public static readonly TimeSpan PostgresTimeout = TimeSpan.FromSeconds(5);

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly SharedConnections _connections = new(PostgresTimeout);

    private sealed record PostgresSample(bool Up, long? StreamingLag, long? SlotRetained);

    public async Task<ServerMetrics> CollectAsync(ServerConfig server, CancellationToken cancellationToken)
    {
        var postgres = server.Passive ? Task.FromResult<PostgresSample?>(null) : QueryAsync(server, cancellationToken);
        XlogDbSummary summary;
        using (var db = await XlogDb.LockAsync(server, cancellationToken))
            summary = db.Summarize();
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
        var queues = ArchiveWal.Archivers(server)
            .Select(kind => KeyValuePair.Create(kind == WalSourceKind.Streaming ? "streaming" : "incoming", WalQueue.Scan(server, kind).Files))
            .ToList();
        var errorNames = ErrorFileKinds.Names(server.ErrorsDirectory);
        var errors = ErrorFileKinds.All
            .Select(kind => KeyValuePair.Create(kind.Label, errorNames.Count(n => ErrorFileKinds.Classify(n) == kind)))
            .ToList();
        var status = ArchiveRunOutcomes.Read(server);
        var pg = await postgres;
        return new ServerMetrics
        {
            Server = server.Name,
            ReceiveWalUp = server.StreamingArchiver && !server.Passive ? ProcessManager.FindReceiveWal(server) is not null : null,
            PostgresUp = pg?.Up,
            StreamingLagBytes = server.StreamingArchiver ? pg?.StreamingLag : null,
            SlotRetainedBytes = pg?.SlotRetained,
            LastArchivedWalTime = summary.NewestTime,
            LastArchivedWalAgeSeconds = summary.NewestTime is { } newest ? Math.Max(0, now - newest) : null,
            ArchivedWalFiles = summary.Files,
            ArchiveSizeBytes = summary.Bytes,
            QueueFiles = queues,
            ArchiverErrors = errors,
            LastRunSuccess = status?.LastRun.Success,
            LastRunEndTime = status is null ? null : Seconds(status.LastRun.Started + status.LastRun.Duration),
            LastRunDurationSeconds = status?.LastRun.Duration.TotalSeconds,
            LastRunArchivedFiles = status?.LastRun.Archived,
            LastSuccessTime = status?.LastSuccess is { } success ? Seconds(success) : null,
            ConsecutiveFailures = status?.ConsecutiveFailures,
        };
    }

    private static double Seconds(DateTimeOffset time) => time.ToUnixTimeMilliseconds() / 1000.0;

    /// <summary>
    /// One round trip: the walsender of this server's receive-wal (by slot, else application_name)
    /// and the slot, both measured from the server's current WAL position (the received one on a standby).
    /// </summary>
    private async Task<PostgresSample?> QueryAsync(ServerConfig server, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(server.Conninfo))
            return null;
        const string sql = """
            WITH pos AS (SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn() ELSE pg_current_wal_lsn() END AS lsn)
            SELECT
              (SELECT pg_wal_lsn_diff(pos.lsn, r.flush_lsn)::bigint
                 FROM pg_stat_replication r LEFT JOIN pg_replication_slots s ON s.active_pid = r.pid
                WHERE s.slot_name = $1 OR r.application_name = $2
                ORDER BY (s.slot_name = $1) DESC NULLS LAST LIMIT 1),
              (SELECT pg_wal_lsn_diff(pos.lsn, restart_lsn)::bigint
                 FROM pg_replication_slots WHERE slot_name = $1 AND slot_type = 'physical')
            FROM pos
            """;
        SharedConnections.Lease lease;
        try
        {
            lease = await _connections.AcquireAsync(server.Conninfo, cancellationToken);
        }
        catch (Exception e) when (ConnectionFailure.Is(e))
        {
            cancellationToken.ThrowIfCancellationRequested();
            ConnectionFailure.Log(e);
            return new PostgresSample(false, null, null);
        }
        using (lease)
        {
            try
            {
                await using var command = new NpgsqlCommand(sql, lease.Connection.Npgsql);
                command.Parameters.Add(new NpgsqlParameter { Value = (object?)server.SlotName ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
                command.Parameters.Add(new NpgsqlParameter { Value = server.StreamingArchiverName });
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                await reader.ReadAsync(cancellationToken);
                return new PostgresSample(true, reader.IsDBNull(0) ? null : reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetInt64(1));
            }
            catch (PostgresException e)
            {
                // Reached, but the query failed (an old server, missing privileges): up, without the WAL figures.
                BarmanLog.For("barman.postgres").Debug("Metrics query failed on server {Server:l}: {Error:l}", server.Name, e.MessageText);
                return new PostgresSample(true, null, null);
            }
        }
    }

    public ValueTask DisposeAsync() => _connections.DisposeAsync();
}
