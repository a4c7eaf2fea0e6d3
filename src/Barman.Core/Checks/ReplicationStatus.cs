using System.Globalization;
using Barman.Core.Configuration;
using Barman.Core.Logging;
using Barman.Core.Output;
using Barman.Core.Postgres;
using Barman.Core.Text;
using Npgsql;
using NpgsqlTypes;

namespace Barman.Core.Checks;

/// <summary>Which clients <c>replication-status --target</c> lists.</summary>
internal enum ReplicationTarget
{
    All,
    HotStandby,
    WalStreamer,
}

/// <summary>One row of <c>pg_stat_replication</c> (with the physical slot the walsender serves).</summary>
internal sealed record ReplicationClient
{
    public int Pid { get; init; }
    public string? UserName { get; init; }
    public string? ApplicationName { get; init; }
    public string? ClientAddr { get; init; }
    public string? ClientHostname { get; init; }
    public int? ClientPort { get; init; }
    public string? BackendStart { get; init; }
    public string? BackendXmin { get; init; }
    public string? State { get; init; }
    public string? SentLsn { get; init; }
    public string? WriteLsn { get; init; }
    public string? FlushLsn { get; init; }
    public string? ReplayLsn { get; init; }
    public int SyncPriority { get; init; }
    public string SyncState { get; init; } = "";
    public string? SlotName { get; init; }
    public string? CurrentLsn { get; init; }
}

/// <summary>
/// <c>replication-status</c> (spec §12.2, §14.4): the streaming clients of the server, in Barman's
/// layout (barman/output.py <c>result_replication_status</c>), full or <c>--minimal</c>.
/// </summary>
internal static class ReplicationStatus
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    /// <exception cref="BackupPrivilegesRequiredException">the conninfo role lacks backup privileges.</exception>
    public static async Task ShowAsync(ServerConfig server, IOutput output, ReplicationTarget target, bool minimal, CancellationToken cancellationToken)
    {
        var (clients, serverLsn) = await QueryAsync(server, target, cancellationToken);
        if (clients is null)
        {
            output.Error($"Unable to connect to server {server.Name}");
            return;
        }
        output.ResultReplicationStatus(server.Name, [.. Format(server.Name, target, minimal, serverLsn, clients)],
            ReplicationStatusJson.Fields(target, minimal, serverLsn, clients));
    }

    /// <summary>What Barman calls the clients of <paramref name="target"/>.</summary>
    public static string Title(ReplicationTarget target) => target switch
    {
        ReplicationTarget.HotStandby => "hot standby servers",
        ReplicationTarget.WalStreamer => "WAL streamers",
        _ => "streaming clients",
    };

    /// <summary>The client's type and Barman's sync stage (<c>3/3 Remote write</c>, <c>5/5 Hot standby (max)</c>...).</summary>
    public static (string ClientType, string Stage) Stage(ReplicationClient c)
    {
        var write = Diff(c.WriteLsn, c.CurrentLsn);
        var sent = Diff(c.SentLsn, c.CurrentLsn);
        if (c.ReplayLsn is null)
            return ("WAL streamer", write == 0 ? "3/3 Remote write" : sent == 0 ? "2/3 WAL Sent (min)" : "1/3 1-safe");
        if (Diff(c.ReplayLsn, c.CurrentLsn) == 0)
            return ("standby", "5/5 Hot standby (max)");
        if (Diff(c.FlushLsn, c.CurrentLsn) == 0)
            return ("standby", "4/5 2-safe");
        return ("standby", write == 0 ? "3/5 Remote write" : sent == 0 ? "2/5 WAL Sent (min)" : "1/5 1-safe");
    }

    /// <summary>The lines Barman prints for one server.</summary>
    public static IEnumerable<string> Format(string serverName, ReplicationTarget target, bool minimal, string? serverLsn, IReadOnlyList<ReplicationClient> clients)
    {
        var title = Title(target);
        if (minimal)
        {
            var capital = char.ToUpperInvariant(title[0]) + title[1..];
            yield return serverLsn is not null
                ? $"{capital} for master '{serverName}' (LSN @ {serverLsn}):"
                : $"{capital} for slave '{serverName}':";
        }
        else
        {
            yield return $"Status of {title} for server '{serverName}':";
            if (serverLsn is not null)
                yield return $"  Current LSN on master: {serverLsn}";
        }
        if (clients.Count == 0)
        {
            yield return $"  No {title} attached";
            yield break;
        }
        if (minimal)
        {
            var n = 1;
            foreach (var c in clients)
            {
                yield return c.ReplayLsn is null
                    ? $"  {n}. W) {c.UserName}@{c.ClientAddr ?? "socket"} S:{c.SentLsn} W:{c.WriteLsn} P:{c.SyncPriority} AN:{c.ApplicationName}"
                    : $"  {n}. {char.ToUpperInvariant(c.SyncState[0])}) {c.UserName}@{c.ClientAddr ?? "socket"} S:{c.SentLsn} F:{c.FlushLsn} R:{c.ReplayLsn} P:{c.SyncPriority} AN:{c.ApplicationName}";
                n++;
            }
            yield break;
        }
        yield return $"  Number of {title}: {clients.Count}";
        var i = 1;
        foreach (var c in clients)
        {
            yield return "";
            var sent = Diff(c.SentLsn, c.CurrentLsn);
            var write = Diff(c.WriteLsn, c.CurrentLsn);
            var flush = Diff(c.FlushLsn, c.CurrentLsn);
            var replay = Diff(c.ReplayLsn, c.CurrentLsn);
            var (clientType, stage) = Stage(c);
            var syncState = Capitalize(c.SyncState);
            yield return c.SyncPriority > 0
                ? $"  {i}. #{c.SyncPriority} {syncState} {clientType}"
                : $"  {i}. {syncState} {clientType}";
            yield return $"     Application name: {c.ApplicationName}";
            yield return $"     Sync stage      : {stage}";
            if (!string.IsNullOrEmpty(c.ClientAddr))
            {
                yield return "     Communication   : TCP/IP";
                yield return $"     IP Address      : {c.ClientAddr} / Port: {c.ClientPort?.ToString(CultureInfo.InvariantCulture) ?? "None"} / Host: {(string.IsNullOrEmpty(c.ClientHostname) ? "-" : c.ClientHostname)}";
            }
            else
            {
                yield return "     Communication   : Unix domain socket";
            }
            yield return $"     User name       : {c.UserName}";
            yield return $"     Current state   : {c.State} ({c.SyncState})";
            if (!string.IsNullOrEmpty(c.SlotName))
                yield return $"     Replication slot: {c.SlotName}";
            yield return $"     WAL sender PID  : {c.Pid}";
            yield return $"     Started at      : {c.BackendStart}";
            if (!string.IsNullOrEmpty(c.BackendXmin))
                yield return $"     Standby's xmin  : {c.BackendXmin}";
            if (c.SentLsn is not null)
                yield return $"     Sent LSN   : {c.SentLsn} (diff: {PrettyDiff(sent)})";
            if (c.WriteLsn is not null)
                yield return $"     Write LSN  : {c.WriteLsn} (diff: {PrettyDiff(write)})";
            if (c.FlushLsn is not null)
                yield return $"     Flush LSN  : {c.FlushLsn} (diff: {PrettyDiff(flush)})";
            if (c.ReplayLsn is not null)
                yield return $"     Replay LSN : {c.ReplayLsn} (diff: {PrettyDiff(replay)})";
            i++;
        }
    }

    /// <summary>The clients and the server's current LSN; clients null when the server cannot be queried.</summary>
    public static async Task<(IReadOnlyList<ReplicationClient>? Clients, string? ServerLsn)> QueryAsync(ServerConfig server, ReplicationTarget target, CancellationToken cancellationToken)
    {
        PostgresConnection connection;
        try
        {
            connection = await PostgresConnection.OpenAsync(server.Conninfo ?? "", ConnectTimeout, cancellationToken);
        }
        catch (Exception e) when (ConnectionFailure.Is(e))
        {
            cancellationToken.ThrowIfCancellationRequested();
            LogFailure(e);
            return (null, null);
        }
        await using (connection)
        {
            try
            {
                var version = await connection.ServerVersionAsync(cancellationToken);
                await BackupPrivileges.RequireAsync(connection, server.Conninfo!, version, cancellationToken);
                var inRecovery = await connection.ScalarAsync<bool>("SELECT pg_is_in_recovery()", cancellationToken);
                var serverLsn = inRecovery ? null : (await connection.CurrentWalLsnAsync(cancellationToken)).ToString();
                return (await ClientsAsync(connection, target, cancellationToken), serverLsn);
            }
            catch (Exception e) when (ConnectionFailure.Is(e))
            {
                cancellationToken.ThrowIfCancellationRequested();
                LogFailure(e);
                return (null, null);
            }
        }
    }

    private static void LogFailure(Exception e) =>
        BarmanLog.For("barman.postgres").Debug("Error retrieving status of standby servers: {Error:l}", e.Message);

    private static async Task<IReadOnlyList<ReplicationClient>> ClientsAsync(PostgresConnection connection, ReplicationTarget target, CancellationToken ct)
    {
        var where = "(rs.slot_type IS NULL OR rs.slot_type = 'physical')" + target switch
        {
            ReplicationTarget.HotStandby => " AND r.replay_lsn IS NOT NULL",
            ReplicationTarget.WalStreamer => " AND r.replay_lsn IS NULL",
            _ => "",
        };
        var sql = $"""
            SELECT r.pid, r.usename::text, r.application_name, host(r.client_addr), r.client_hostname, r.client_port,
                   r.backend_start::text, r.backend_xmin::text, r.state, r.sent_lsn::text, r.write_lsn::text,
                   r.flush_lsn::text, r.replay_lsn::text, r.sync_priority, r.sync_state, rs.slot_name::text,
                   (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn() ELSE pg_current_wal_lsn() END)::text
            FROM pg_stat_replication r LEFT JOIN pg_replication_slots rs ON (r.pid = rs.active_pid)
            WHERE {where}
            ORDER BY r.sync_state DESC, r.sync_priority
            """;
        await using var command = new NpgsqlCommand(sql, connection.Npgsql);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var result = new List<ReplicationClient>();
        while (await reader.ReadAsync(ct))
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            result.Add(new ReplicationClient
            {
                Pid = reader.GetInt32(0),
                UserName = Text(1),
                ApplicationName = Text(2),
                ClientAddr = Text(3),
                ClientHostname = Text(4),
                ClientPort = reader.IsDBNull(5) ? null : reader.GetInt32(5),
                BackendStart = PythonTimestamp(Text(6)),
                BackendXmin = Text(7),
                State = Text(8),
                SentLsn = Text(9),
                WriteLsn = Text(10),
                FlushLsn = Text(11),
                ReplayLsn = Text(12),
                SyncPriority = reader.IsDBNull(13) ? 0 : reader.GetInt32(13),
                SyncState = Text(14) ?? "",
                SlotName = Text(15),
                CurrentLsn = Text(16),
            });
        }
        return result;
    }

    /// <summary>PostgreSQL's <c>2026-11-24 05:33:08.155963+00</c> as Python prints a datetime: <c>…+00:00</c>.</summary>
    public static string? PythonTimestamp(string? text)
    {
        if (text is null || text.Length < 3)
            return text;
        var sign = text.LastIndexOfAny(['+', '-']);
        if (sign < 10)
            return text;
        var offset = text[(sign + 1)..];
        return offset.Length == 2 ? text + ":00" : text;
    }

    internal static long? Diff(string? lsn, string? current) =>
        lsn is null || current is null ? null
            : (long)((ulong)NpgsqlLogSequenceNumber.Parse(lsn) - (ulong)NpgsqlLogSequenceNumber.Parse(current));

    private static string PrettyDiff(long? diff) => diff is { } d ? HumanFormat.PrettySize(d) : "None";

    internal static string Capitalize(string text) =>
        text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..].ToLowerInvariant();
}
