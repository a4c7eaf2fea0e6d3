using Barman.Core.Configuration;
using Barman.Core.Logging;
using Barman.Core.Postgres;
using Npgsql;

namespace Barman.Core.Checks;

/// <summary>
/// Collects <see cref="PostgresFacts"/> and <see cref="StreamingFacts"/> for a server (Barman's
/// <c>get_remote_status</c>). Never throws for an unreachable server: it reports it.
/// </summary>
internal static class PostgresProbe
{
    public static async Task<PostgresFacts> ProbeAsync(ServerConfig server, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(server.Conninfo))
            return PostgresFacts.Unreachable;
        PostgresConnection connection;
        try
        {
            connection = await PostgresConnection.OpenAsync(server.Conninfo, timeout, cancellationToken);
        }
        catch (Exception e) when (ConnectionFailure.Is(e))
        {
            cancellationToken.ThrowIfCancellationRequested();
            ConnectionFailure.Log(e);
            return PostgresFacts.Failed(ConnectionFailure.DescribeOnOneLine(e, server.Conninfo));
        }
        await using (connection)
        {
            try
            {
                return await CollectAsync(server, connection, cancellationToken);
            }
            catch (Exception e) when (ConnectionFailure.Is(e))
            {
                cancellationToken.ThrowIfCancellationRequested();
                ConnectionFailure.Log(e);
                return PostgresFacts.Failed(ConnectionFailure.Describe(e));
            }
        }
    }

    /// <summary>Opens the replication connection and runs IDENTIFY_SYSTEM; null when no streaming connection is configured.</summary>
    public static async Task<StreamingFacts?> ProbeStreamingAsync(ServerConfig server, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!HasStreamingConnection(server))
            return null;
        var conninfo = server.StreamingConninfo!;
        try
        {
            await using var streaming = await StreamingConnection.OpenAsync(conninfo, timeout, cancellationToken, server.StreamingArchiverName);
            var id = await streaming.IdentifyAsync(cancellationToken);
            return new StreamingFacts(true, null, id.SystemId, id.ServerVersion, id.Timeline);
        }
        catch (Exception e) when (ConnectionFailure.Is(e))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var text = ConnectionFailure.DescribeLikeLibpq(e, conninfo);
            ConnectionFailure.Log(text);
            return StreamingFacts.Failed(text);
        }
    }

    /// <summary>Barman opens a streaming connection when streaming_conninfo is set and streaming is used.</summary>
    public static bool HasStreamingConnection(ServerConfig server) =>
        !string.IsNullOrEmpty(server.StreamingConninfo) && (server.StreamingArchiver || server.BackupMethod == "postgres");

    private static async Task<PostgresFacts> CollectAsync(ServerConfig server, PostgresConnection connection, CancellationToken ct)
    {
        var version = await connection.ServerVersionAsync(ct);
        var v10 = version.Number >= 100000;
        var isSuperuser = await connection.IsSuperuserAsync(ct);
        var privileges = await TryAsync(() => BackupPrivileges.HasAsync(connection, version, isSuperuser, ct));
        var inRecovery = await connection.ScalarAsync<bool>("SELECT pg_is_in_recovery()", ct);
        var walLevel = await TryAsync(() => connection.ScalarAsync<string>("SHOW wal_level", ct));
        var systemId = await TryAsync(() => connection.ScalarAsync<string>("SELECT system_identifier::text FROM pg_control_system()", ct));
        var dataDirectory = await TryAsync(() => connection.ScalarAsync<string>("SHOW data_directory", ct));
        long? currentSize = privileges == true
            ? await TryAsync(() => connection.ScalarAsync<decimal?>("SELECT sum(pg_tablespace_size(oid)) FROM pg_tablespace", ct)) is { } size ? (long)size : null
            : null;
        var segmentSize = await TryAsync<long?>(async () => await connection.WalSegmentSizeAsync(ct));

        string? lsn, walFile = null;
        if (inRecovery)
        {
            lsn = await connection.ScalarAsync<string>(v10 ? "SELECT pg_last_wal_replay_lsn()::text" : "SELECT pg_last_xlog_replay_location()::text", ct);
        }
        else
        {
            await using var command = new NpgsqlCommand(v10
                ? "SELECT l::text, pg_walfile_name(l) FROM pg_current_wal_lsn() AS l"
                : "SELECT l::text, pg_xlogfile_name(l) FROM pg_current_xlog_location() AS l", connection.Npgsql);
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            lsn = reader.GetString(0);
            walFile = reader.GetString(1);
        }

        var slot = string.IsNullOrEmpty(server.SlotName) ? null : await connection.PhysicalSlotAsync(server.SlotName, ct);
        var archiver = server.Archiver ? await TryAsync(() => ArchiverAsync(connection, ct)) : null;
        var streamer = server.StreamingArchiver && !inRecovery ? await TryAsync(() => StreamerAsync(connection, server, ct)) : null;

        return new PostgresFacts
        {
            Version = version,
            IsSuperuser = isSuperuser,
            HasBackupPrivileges = privileges,
            WalLevel = walLevel,
            IsInRecovery = inRecovery,
            SystemId = systemId,
            DataDirectory = dataDirectory,
            CurrentSize = currentSize,
            CurrentLsn = lsn,
            CurrentWalFile = walFile,
            WalSegmentSize = segmentSize,
            Slot = slot,
            Archiver = archiver,
            Streamer = streamer,
        };
    }

    private static async Task<ArchiverFacts?> ArchiverAsync(PostgresConnection connection, CancellationToken ct)
    {
        const string sql = """
            SELECT current_setting('archive_mode'), current_setting('archive_command'),
                   current_setting('archive_mode') IN ('on', 'always')
                     AND (last_failed_wal IS NULL
                          OR last_failed_wal LIKE '%.history' AND substring(last_failed_wal from 1 for 8) <= substring(last_archived_wal from 1 for 8)
                          OR last_failed_time <= last_archived_time),
                   last_archived_wal, last_archived_time, failed_count, last_failed_wal, last_failed_time,
                   (CAST(archived_count AS NUMERIC) / EXTRACT(EPOCH FROM age(now(), stats_reset)))::float8
            FROM pg_stat_archiver
            """;
        await using var command = new NpgsqlCommand(sql, connection.Npgsql);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new ArchiverFacts(
            reader.IsDBNull(0) ? null : reader.GetString(0),
            reader.IsDBNull(1) ? null : reader.GetString(1),
            reader.IsDBNull(2) ? null : reader.GetBoolean(2),
            reader.IsDBNull(3) ? null : reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetDateTime(4),
            reader.IsDBNull(5) ? null : reader.GetInt64(5),
            reader.IsDBNull(6) ? null : reader.GetString(6),
            reader.IsDBNull(7) ? null : reader.GetDateTime(7),
            reader.IsDBNull(8) ? null : reader.GetDouble(8));
    }

    /// <summary>The walsender serving this server's receive-wal: the one holding the slot, else the one with its application_name.</summary>
    private static async Task<StreamerFacts?> StreamerAsync(PostgresConnection connection, ServerConfig server, CancellationToken ct)
    {
        const string sql = """
            SELECT r.flush_lsn::text, pg_wal_lsn_diff(pg_current_wal_lsn(), r.flush_lsn)::bigint
            FROM pg_stat_replication r LEFT JOIN pg_replication_slots s ON s.active_pid = r.pid
            WHERE s.slot_name = $1 OR r.application_name = $2
            ORDER BY (s.slot_name = $1) DESC NULLS LAST
            LIMIT 1
            """;
        await using var command = new NpgsqlCommand(sql, connection.Npgsql);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)server.SlotName ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = server.StreamingArchiverName });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
            return null;
        return new StreamerFacts(reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetInt64(1));
    }

    /// <summary>One optional fact: a failing query (permissions, old server) leaves it unknown.</summary>
    private static async Task<T?> TryAsync<T>(Func<Task<T?>> query)
    {
        try
        {
            return await query();
        }
        catch (PostgresException e)
        {
            BarmanLog.For("barman.postgres").Debug("Error retrieving PostgreSQL status: {Error:l}", e.MessageText);
            return default;
        }
    }
}
