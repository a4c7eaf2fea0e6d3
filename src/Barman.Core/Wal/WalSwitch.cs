using Barman.Core.Configuration;
using Barman.Core.Logging;
using Barman.Core.Output;
using Barman.Core.Postgres;
using Barman.Core.Storage;

namespace Barman.Core.Wal;

/// <summary>Options of <c>switch-wal</c>: CHECKPOINT first, wait for the closed WAL to be archived, for how long (0 = forever).</summary>
internal sealed record SwitchWalOptions(bool Force = false, bool Archive = false, int ArchiveTimeoutSeconds = 30);

/// <summary>
/// <c>switch-wal</c> (spec §12.3): optionally CHECKPOINT, <c>pg_switch_wal()</c>, and with
/// <c>--archive</c> run archive-wal until the closed segment (or any new one) is in the archive.
/// </summary>
internal static class WalSwitch
{
    /// <summary>Pause between two archive-wal passes while waiting.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Pause before archiving again after another archive-wal held the lock (and its message is printed again).</summary>
    private static readonly TimeSpan BusyRetry = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    /// <exception cref="BackupPrivilegesRequiredException">the conninfo role may not switch WAL.</exception>
    public static async Task RunAsync(ServerConfig server, IOutput output, SwitchWalOptions options, CancellationToken cancellationToken)
    {
        string? closed;
        await using (var connection = await OpenAsync(server, cancellationToken))
        {
            if (options.Force && connection is not null && !await CheckpointAsync(connection, output, cancellationToken))
                return;
            closed = connection is null ? null : await SwitchAsync(server, connection, cancellationToken);
        }
        switch (closed)
        {
            case null:
                output.Error($"Unable to perform pg_switch_wal for server '{server.Name}'.");
                return;
            case Standby:
                output.Info($"No switch performed because server '{server.Name}' is a standby.");
                closed = "";
                break;
            case "":
                output.Info($"No switch required for server '{server.Name}'");
                break;
            default:
                output.Info($"The WAL file {closed} has been closed on server '{server.Name}'");
                break;
        }
        if (options.Archive)
            await WaitForWalAsync(server, output, closed, options.ArchiveTimeoutSeconds, cancellationToken);
    }

    /// <summary>
    /// Barman's <c>Server.wait_for_wal</c>: archive-wal (non-verbose) every <see cref="PollInterval"/>
    /// until <paramref name="walFile"/> is archived or, without a name, until the newest archived
    /// segment of some timeline changes; <paramref name="timeoutSeconds"/> 0 waits forever.
    /// </summary>
    public static async Task<bool> WaitForWalAsync(ServerConfig server, IOutput output, string? walFile, int timeoutSeconds, CancellationToken cancellationToken)
    {
        var max = timeoutSeconds > 0 ? $" (max: {timeoutSeconds} seconds)" : "";
        var storage = ArchiveStorage.For(server);
        var initial = string.IsNullOrEmpty(walFile) ? await LatestPerTimelineAsync(storage, cancellationToken) : null;
        output.Info(string.IsNullOrEmpty(walFile)
            ? $"Waiting for a WAL file from server '{server.Name}' to be archived{max}"
            : $"Waiting for the WAL file {walFile} from server '{server.Name}'{max}");
        DateTime? end = timeoutSeconds > 0 ? DateTime.UtcNow.AddSeconds(timeoutSeconds) : null;
        string? seen = null;
        var retryAt = DateTime.MaxValue;
        while (end is null || DateTime.UtcNow < end)
        {
            // Only run archive-wal when something new arrived (Barman runs and logs it every 100 ms). "New" is
            // measured against the listing taken before the pass: a segment completed while it ran is archived by
            // the next one. A pass that found the lock busy is repeated every BusyRetry, as the run holding the
            // lock may have listed before the segment arrived.
            var sources = SourceListing(server);
            if (sources != seen || DateTime.UtcNow >= retryAt)
            {
                var result = await ArchiveWal.PassAsync(server, output, verbose: false, cancellationToken);
                seen = sources;
                retryAt = result == ArchivePassResult.Busy ? DateTime.UtcNow + BusyRetry : DateTime.MaxValue;
            }
            var arrived = string.IsNullOrEmpty(walFile)
                ? !(await LatestPerTimelineAsync(storage, cancellationToken)).SequenceEqual(initial!)
                : await storage.StatAsync(WalLayout.KeyOf(walFile), cancellationToken) is not null;
            if (arrived)
                return true;
            await Task.Delay(PollInterval, cancellationToken);
        }
        if (string.IsNullOrEmpty(walFile))
            output.Info($"A WAL file has not been received in {timeoutSeconds} seconds");
        else
            output.Error($"The WAL file {walFile} has not been received in {timeoutSeconds} seconds");
        return false;
    }

    /// <summary>The names waiting in the directories archive-wal reads (streaming, incoming).</summary>
    private static string SourceListing(ServerConfig server)
    {
        var names = new List<string>();
        foreach (var kind in ArchiveWal.Archivers(server))
        {
            var directory = kind.Directory(server);
            if (Directory.Exists(directory))
                names.AddRange(Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName)!);
        }
        names.Sort(StringComparer.Ordinal);
        return string.Join('\n', names);
    }

    /// <summary>The newest archived segment of every timeline, in timeline order.</summary>
    private static async Task<List<KeyValuePair<uint, string>>> LatestPerTimelineAsync(IArchiveStorage storage, CancellationToken cancellationToken) =>
        [.. (await WalArchiveContents.ScanSegmentsAsync(storage, cancellationToken))
            .Where(s => !s.Partial)
            .GroupBy(s => s.Timeline)
            .OrderBy(g => g.Key)
            .Select(g => new KeyValuePair<uint, string>(g.Key, g.Select(s => s.Name).Max(StringComparer.Ordinal)!))];

    private static async Task<PostgresConnection?> OpenAsync(ServerConfig server, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(server.Conninfo))
            return null;
        try
        {
            return await PostgresConnection.OpenAsync(server.Conninfo, ConnectTimeout, cancellationToken);
        }
        catch (Exception e) when (ConnectionFailure.Is(e))
        {
            cancellationToken.ThrowIfCancellationRequested();
            BarmanLog.For("barman.postgres").Debug("Error issuing pg_switch_wal() command: {Error:l}", e.Message);
            return null;
        }
    }

    /// <summary>Marker returned by <see cref="SwitchAsync"/> for a server in recovery (never a WAL name).</summary>
    private const string Standby = "standby";

    /// <summary>
    /// Barman's <c>PostgreSQLConnection.switch_wal</c>: the closed WAL's name, "" when no switch was
    /// needed (names compared before and after), <see cref="Standby"/>, or null when PostgreSQL failed.
    /// </summary>
    private static async Task<string?> SwitchAsync(ServerConfig server, PostgresConnection connection, CancellationToken ct)
    {
        try
        {
            var version = await connection.ServerVersionAsync(ct);
            await BackupPrivileges.RequireAsync(connection, server.Conninfo!, version, ct);
            if (await connection.ScalarAsync<bool>("SELECT pg_is_in_recovery()", ct))
                return Standby;
            var v10 = version.Number >= 100000;
            var current = v10 ? "SELECT pg_walfile_name(pg_current_wal_insert_lsn())" : "SELECT pg_xlogfile_name(pg_current_xlog_insert_location())";
            var pre = await connection.ScalarAsync<string>(current, ct);
            await connection.ScalarAsync<string>(v10 ? "SELECT pg_walfile_name(pg_switch_wal())" : "SELECT pg_xlogfile_name(pg_switch_xlog())", ct);
            var post = await connection.ScalarAsync<string>(current, ct);
            return string.CompareOrdinal(pre, post) < 0 ? pre : "";
        }
        catch (Exception e) when (ConnectionFailure.Is(e))
        {
            ct.ThrowIfCancellationRequested();
            BarmanLog.For("barman.postgres").Debug("Error issuing pg_switch_wal() command: {Error:l}", e.Message);
            return null;
        }
    }

    /// <summary>CHECKPOINT before the switch; false (after the error) when the role is not a superuser.</summary>
    private static async Task<bool> CheckpointAsync(PostgresConnection connection, IOutput output, CancellationToken ct)
    {
        BarmanLog.For("barman.server").Information("Force a CHECKPOINT before pg_switch_wal()");
        try
        {
            if (!await connection.IsSuperuserAsync(ct))
            {
                output.Error("Barman switch-wal requires superuser rights");
                return false;
            }
            await connection.ScalarAsync<object>("CHECKPOINT", ct);
        }
        catch (Exception e) when (ConnectionFailure.Is(e))
        {
            ct.ThrowIfCancellationRequested();
            BarmanLog.For("barman.postgres").Debug("Error issuing CHECKPOINT: {Error:l}", e.Message);
        }
        return true;
    }
}
