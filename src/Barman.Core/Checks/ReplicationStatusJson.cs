using Barman.Core.Text;

namespace Barman.Core.Checks;

/// <summary>
/// <c>-f json replication-status</c>: Barman's structured object for one server (barman/output.py,
/// <c>JsonOutputWriter.result_replication_status</c>): <c>server_lsn</c>, the clients under the
/// title's key (<c>streaming_clients</c>, <c>hot_standby_servers</c>, <c>wal_streamers</c>), or
/// <c>standby_info</c> when there is none.
/// </summary>
internal static class ReplicationStatusJson
{
    public static IReadOnlyDictionary<string, object?> Fields(ReplicationTarget target, bool minimal, string? serverLsn, IReadOnlyList<ReplicationClient> clients)
    {
        var title = ReplicationStatus.Title(target);
        var fields = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["server_lsn"] = serverLsn,
            [title.ToLowerInvariant().Replace(' ', '_')] = clients.Select(c => minimal ? Minimal(c) : Full(c)).ToList(),
        };
        if (clients.Count == 0)
            fields["standby_info"] = $"No {title} attached";
        return fields;
    }

    private static Dictionary<string, object?> Minimal(ReplicationClient c)
    {
        var entry = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["user_name"] = c.UserName,
            ["client_addr"] = c.ClientAddr ?? "socket",
            ["sent_lsn"] = c.SentLsn,
            ["sync_priority"] = c.SyncPriority,
            ["application_name"] = c.ApplicationName,
        };
        if (c.ReplayLsn is null)
        {
            entry["write_lsn"] = c.WriteLsn;
        }
        else
        {
            entry["sync_state"] = c.SyncState.Length > 0 ? c.SyncState[..1].ToUpperInvariant() : "";
            entry["flush_lsn"] = c.FlushLsn;
            entry["replay_lsn"] = c.ReplayLsn;
        }
        return entry;
    }

    private static Dictionary<string, object?> Full(ReplicationClient c)
    {
        var (clientType, stage) = ReplicationStatus.Stage(c);
        var syncState = ReplicationStatus.Capitalize(c.SyncState);
        var entry = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["name"] = c.SyncPriority > 0 ? $"#{c.SyncPriority} {syncState} {clientType}" : $"{syncState} {clientType}",
            ["application_name"] = c.ApplicationName,
            ["sync_stage"] = stage,
        };
        if (!string.IsNullOrEmpty(c.ClientAddr))
        {
            entry["communication"] = "TCP/IP";
            entry["ip_address"] = c.ClientAddr;
            entry["port"] = c.ClientPort;
            entry["host"] = string.IsNullOrEmpty(c.ClientHostname) ? null : c.ClientHostname;
        }
        else
        {
            entry["communication"] = "Unix domain socket";
        }
        entry["user_name"] = c.UserName;
        entry["current_state"] = c.State;
        entry["current_sync_state"] = c.SyncState;
        if (!string.IsNullOrEmpty(c.SlotName))
            entry["replication_slot"] = c.SlotName;
        entry["wal_sender_pid"] = c.Pid;
        entry["started_at"] = c.BackendStart;
        if (!string.IsNullOrEmpty(c.BackendXmin))
            entry["standbys_xmin"] = c.BackendXmin;
        foreach (var (name, lsn) in new[] { ("sent", c.SentLsn), ("write", c.WriteLsn), ("flush", c.FlushLsn), ("replay", c.ReplayLsn) })
        {
            if (lsn is null)
                continue;
            var diff = ReplicationStatus.Diff(lsn, c.CurrentLsn);
            entry[name + "_lsn"] = lsn;
            entry[name + "_lsn_diff"] = diff is { } d ? HumanFormat.PrettySize(d) : null;
            entry[name + "_lsn_diff_bytes"] = diff;
        }
        return entry;
    }
}
