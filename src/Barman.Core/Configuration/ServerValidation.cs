namespace Barman.Core.Configuration;

/// <summary>
/// The configuration checks Barman makes when it builds a <c>Server</c> (server.py, backup.py,
/// backup_executor.py): missing conninfo, streaming-only without slot, rsync without ssh_command,
/// and the "no archiver" fallback. Passive nodes (primary_ssh_command) skip the PostgreSQL ones.
/// </summary>
internal static class ServerValidation
{
    public static ServerConfig Apply(ServerConfig server, IReadOnlyDictionary<string, object?> values, List<string> messages, List<string> warnings)
    {
        var passive = server.PrimarySshCommand is not null;
        if (server.WalsInObjectStore && ArchiveUrl.Parse(server.WalsDirectory).Error is { } urlError)
            messages.Add($"Invalid wals_directory for server '{server.Name}': {urlError}");
        if (server.WalsInObjectStore && server.ArchiveUploadJobs < 1)
            messages.Add($"Invalid archive_upload_jobs for server '{server.Name}': at least 1");
        if (!passive)
        {
            if (server.Conninfo is null)
                messages.Add($"PostgreSQL connection: Missing 'conninfo' parameter for server '{server.Name}'");
            if ((server.BackupMethod == "postgres" || server.StreamingArchiver) && server.StreamingConninfo is null)
                messages.Add($"Streaming connection: Missing 'streaming_conninfo' parameter for server '{server.Name}'");
        }

        // BackupManager picks the backup executor, which validates its own options.
        var hasSsh = !string.IsNullOrWhiteSpace(server.SshCommand);
        if (!passive && server.BackupMethod == "rsync")
        {
            if (!hasSsh)
            {
                messages.Add($"Missing or invalid ssh_command in barman configuration for server {server.Name}");
            }
            else if (values.GetValueOrDefault("backup_options") is not CsvSetting { } options
                || !options.Values.Any(v => v is "concurrent_backup" or "exclusive_backup"))
            {
                warnings.Add($"No backup strategy set for server '{server.Name}' (using default 'concurrent_backup').");
            }
        }
        else if (!passive && server.BackupMethod == "local-rsync" && hasSsh)
        {
            messages.Add($"Local copy requires ssh_command in barman configuration to be empty for server {server.Name}");
        }

        if (passive)
            return server;
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
}
