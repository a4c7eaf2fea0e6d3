using Barman.Core.Configuration;
using Barman.Core.Logging;
using Barman.Core.Os;
using Barman.Core.Output;
using Barman.Core.Streaming;

namespace Barman.Core.Cron;

/// <summary>
/// Barman's <c>Server.cron</c> for one server: under the non-blocking <c>.&lt;server&gt;-cron.lock</c>,
/// start archive-wal unless it runs, start receive-wal unless it runs (streaming_archiver on) or
/// stop it (off). The children take their own locks, so a race between two crons only makes the
/// later child exit quietly.
/// </summary>
internal sealed class ServerCron(ServerConfig server, IOutput output, IBarmanChildLauncher launcher)
{
    public const string ArchiveWalVerb = "archive-wal";
    public const string ReceiveWalVerb = "receive-wal";

    private readonly Serilog.ILogger _log = BarmanLog.For("barman.server");
    /// <summary>The lock file being opened, for Barman's permission-denied message.</summary>
    private string _lockPath = "";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var cronLock = AcquireCronLock(LockFile.PathFor(server.LockDirectory, server.Name, LockKind.Cron));
            if (cronLock is null)
            {
                output.Info($"Another cron process is already running on server {server.Name}. Skipping to the next server");
                return;
            }
            if (server.Passive)
            {
                // Barman runs sync-wal/sync-backup here; this tool does not implement passive nodes.
                _log.Debug("Server {Server:l} is a passive node: no WAL archiving", server.Name);
                return;
            }
            StartArchiveWal();
            if (server.StreamingArchiver)
                StartReceiveWal();
            else
                await StopReceiveWalAsync(cancellationToken);
        }
        catch (UnauthorizedAccessException)
        {
            output.Error($"Permission denied, unable to access '{_lockPath}'");
        }
        catch (IOException e)
        {
            output.Error(e.Message);
        }
    }

    private LockFile? AcquireCronLock(string path)
    {
        _lockPath = path;
        try
        {
            return LockFile.TryAcquire(path);
        }
        catch (DirectoryNotFoundException)
        {
            // A fresh install: nothing has created barman_home (the lock directory) yet.
            DurableFile.CreateDirectoryDurably(server.LockDirectory);
            return LockFile.TryAcquire(path);
        }
    }

    /// <summary>Barman's <c>cron_archive_wal</c>: the lock is only probed, the child takes it.</summary>
    private void StartArchiveWal()
    {
        if (IsHeld(LockKind.ArchiveWal))
        {
            output.Info($"Another archive-wal process is already running on server {server.Name}. Skipping to the next server");
            return;
        }
        output.Info($"Starting WAL archiving for server {server.Name}");
        launcher.Start(ArchiveWalVerb, server);
    }

    /// <summary>Barman's <c>background_receive_wal</c>: silent when one is already running.</summary>
    private void StartReceiveWal()
    {
        if (IsHeld(LockKind.ReceiveWal))
        {
            _log.Debug("Another STREAMING ARCHIVER process is running for server {Server:l}", server.Name);
            return;
        }
        output.Info($"Starting streaming archiver for server {server.Name}");
        launcher.Start(ReceiveWalVerb, server);
    }

    /// <summary>streaming_archiver is off: stop this server's receive-wal if one runs (silent otherwise).</summary>
    private async Task StopReceiveWalAsync(CancellationToken cancellationToken)
    {
        _lockPath = LockFile.PathFor(server.LockDirectory, server.Name, LockKind.ReceiveWal);
        await ProcessManager.StopReceiveWalAsync(server, output, failIfNotPresent: false, cancellationToken);
    }

    /// <summary>
    /// Probes a lock without taking it (and without writing our PID into it, unlike Barman's
    /// acquire-and-release): a concurrent <c>check</c> never reads cron's short-lived PID.
    /// </summary>
    private bool IsHeld(LockKind kind)
    {
        _lockPath = LockFile.PathFor(server.LockDirectory, server.Name, kind);
        return LockFile.Holder(_lockPath) is not null;
    }
}
