using System.Globalization;
using Barman.Core.Configuration;
using Barman.Core.Output;
using Barman.Core.Streaming;
using Barman.Core.Text;
using Barman.Core.Wal;

namespace Barman.Core.Checks;

/// <summary>
/// <c>status</c> for one server (spec §12.1): configuration, PostgreSQL and WAL archiving lines.
/// The streaming archiver adds what Barman leaves empty: the last archived WAL and whether
/// receive-wal runs and how far behind it is. Backup-only lines are not printed.
/// </summary>
internal static class ServerStatus
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    public static async Task ShowAsync(ServerConfig server, IOutput output, CancellationToken cancellationToken)
    {
        output.InitStatus(server.Name);
        void Line(string key, string label, string value) => output.ResultStatus(server.Name, key, label, value);

        if (!string.IsNullOrEmpty(server.Description))
            Line("description", "Description", server.Description);
        Line("active", "Active", Python(server.Active));
        Line("disabled", "Disabled", Python(server.Disabled));

        if (!server.Passive)
        {
            var pg = await PostgresProbe.ProbeAsync(server, ConnectTimeout, cancellationToken);
            if (pg.Reachable)
            {
                Line("pg_version", "PostgreSQL version", pg.Version!.Full);
                Line("is_in_recovery", "Cluster state", pg.IsInRecovery ? "in archive recovery" : "in production");
                if (pg.CurrentSize is { } size)
                    Line("current_size", "Current data size", HumanFormat.PrettySize(size));
                if (!string.IsNullOrEmpty(pg.DataDirectory))
                    Line("data_directory", "PostgreSQL Data directory", pg.DataDirectory);
                if (!string.IsNullOrEmpty(pg.CurrentWalFile))
                    Line("current_xlog", "Current WAL segment", pg.CurrentWalFile);
            }
            else
            {
                Line("pg_version", "PostgreSQL version", "FAILED trying to get PostgreSQL version");
            }
            if (server.StreamingArchiver)
                await StreamingLinesAsync(server, pg, Line, cancellationToken);
            if (server.Archiver && pg.Archiver is { ArchiveMode: not null } archiver)
                FileArchiverLines(archiver, Line);
        }
        Line("passive_node", "Passive node", Python(server.Passive));
    }

    /// <summary>Ours: the streaming archiver's view (Barman prints nothing here).</summary>
    private static async Task StreamingLinesAsync(ServerConfig server, PostgresFacts pg, Action<string, string, string> line, CancellationToken cancellationToken)
    {
        if (!server.Archiver)
        {
            var last = (await XlogDb.ReadEntriesAsync(server, cancellationToken)).LastOrDefault();
            line("last_archived_wal", "Last archived WAL", last is null
                ? "No WAL segment archived yet"
                : $"{last.Name}, at {CTime(DateTimeOffset.FromUnixTimeMilliseconds((long)(last.Time * 1000)).LocalDateTime)}");
        }
        var receiver = ProcessManager.FindReceiveWal(server);
        var state = receiver is null ? "receive-wal stopped" : $"receive-wal running (pid {receiver.Pid})";
        if (pg.Streamer?.FlushLagBytes is { } lag)
            state += $", lag {HumanFormat.PrettySize(lag)}";
        line("streaming", "Streaming", state);
    }

    private static void FileArchiverLines(ArchiverFacts archiver, Action<string, string, string> line)
    {
        line("archive_command", "PostgreSQL 'archive_command' setting",
            string.IsNullOrEmpty(archiver.ArchiveCommand) ? "FAILED (please set it accordingly to documentation)" : archiver.ArchiveCommand);
        var last = archiver.LastArchivedWal;
        if (last is not null && archiver.LastArchivedTime is { } at)
            last += $", at {CTime(at.ToLocalTime())}";
        line("last_archived_wal", "Last archived WAL", last ?? "No WAL segment shipped yet");
        if (archiver.FailedCount is { } failed)
        {
            var text = failed.ToString(CultureInfo.InvariantCulture);
            if (failed > 0 && archiver.LastFailedTime is { } failedAt)
                text += $" ({archiver.LastFailedWal} at {CTime(failedAt.ToLocalTime())})";
            line("failed_count", "Failures of WAL archiver", text);
        }
        if (archiver.ArchivedWalsPerSecond is > 0 and var rate)
            line("server_archived_wals_per_hour", "Server WAL archiving rate", string.Create(CultureInfo.InvariantCulture, $"{3600 * rate:0.00}/hour"));
    }

    private static string Python(bool value) => value ? "True" : "False";

    /// <summary>Python's <c>datetime.ctime()</c>: <c>Tue Nov 24 05:33:08 2026</c> (day padded with a space).</summary>
    public static string CTime(DateTime time) =>
        time.ToString("ddd MMM ", CultureInfo.InvariantCulture) + time.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2) + time.ToString(" HH:mm:ss yyyy", CultureInfo.InvariantCulture);
}
