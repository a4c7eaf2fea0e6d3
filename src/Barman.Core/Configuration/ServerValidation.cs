namespace Barman.Core.Configuration;

/// <summary>
/// The configuration checks Barman makes when it builds a <c>Server</c> (server.py, backup.py,
/// backup_executor.py): missing conninfo, streaming-only without slot, the backup executor's
/// ssh_command and default backup strategy, and the "no archiver" fallback. Passive nodes
/// (primary_ssh_command) skip them all.
/// </summary>
internal static class ServerValidation
{
    public static ServerConfig Apply(ServerConfig server, IReadOnlyDictionary<string, object?> values, List<string> messages, List<string> warnings)
    {
        var passive = server.PrimarySshCommand is not null;
        if (!passive)
        {
            if (server.Conninfo is null)
                messages.Add($"PostgreSQL connection: Missing 'conninfo' parameter for server '{server.Name}'");
            if ((server.BackupMethod == "postgres" || server.StreamingArchiver) && server.StreamingConninfo is null)
                messages.Add($"Streaming connection: Missing 'streaming_conninfo' parameter for server '{server.Name}'");
        }

        if (passive)
            return server;
        server = ApplyBackupExecutor(server, values, messages, warnings);
        if (!server.Archiver && server.StreamingArchiver && server.SlotName is null)
            messages.Add("Streaming-only archiver requires 'streaming_conninfo' and 'slot_name' options to be properly configured");
        if (!server.Archiver && !server.StreamingArchiver)
        {
            warnings.Add($"No archiver enabled for server '{server.Name}'. Please turn on 'archiver', 'streaming_archiver' or both");
            warnings.Add("Forcing 'archiver = on'");
            server = server with { Archiver = true };
        }
        return server;
    }

    /// <summary>
    /// Barman's <c>BackupManager</c> picks the backup executor, which validates its options and
    /// applies the default strategy to <c>backup_options</c> (what show-servers then prints): postgres
    /// forces <c>concurrent_backup</c> (dropping <c>exclusive_backup</c> with a warning); rsync,
    /// local-rsync and snapshot check <c>ssh_command</c> first, then add <c>concurrent_backup</c>
    /// with a warning when neither strategy is set.
    /// </summary>
    private static ServerConfig ApplyBackupExecutor(ServerConfig server, IReadOnlyDictionary<string, object?> values, List<string> messages, List<string> warnings)
    {
        const string Concurrent = "concurrent_backup";
        const string Exclusive = "exclusive_backup";
        var options = values.GetValueOrDefault("backup_options") as CsvSetting ?? new CsvSetting("BackupOptions", []);
        var chosen = new SortedSet<string>(options.Values, StringComparer.Ordinal);
        if (server.BackupMethod == "postgres")
        {
            if (chosen.Remove(Exclusive))
                warnings.Add("'exclusive_backup' is not a valid backup_option using postgres backup_method. Overriding with 'concurrent_backup'.");
            chosen.Add(Concurrent);
        }
        else
        {
            var hasSsh = !string.IsNullOrWhiteSpace(server.SshCommand);
            var local = server.BackupMethod == "local-rsync";
            if (!local && !hasSsh)
            {
                messages.Add($"Missing or invalid ssh_command in barman configuration for server {server.Name}");
                return server;
            }
            if (local && hasSsh)
            {
                messages.Add($"Local copy requires ssh_command in barman configuration to be empty for server {server.Name}");
                return server;
            }
            if (!chosen.Contains(Concurrent) && !chosen.Contains(Exclusive))
            {
                chosen.Add(Concurrent);
                warnings.Add($"No backup strategy set for server '{server.Name}' (using default 'concurrent_backup').");
            }
        }
        var others = new Dictionary<string, string?>(server.OtherSettings, StringComparer.Ordinal)
        {
            ["backup_options"] = (options with { Values = [.. chosen] }).ToString(),
        };
        return server with { OtherSettings = others };
    }
}
