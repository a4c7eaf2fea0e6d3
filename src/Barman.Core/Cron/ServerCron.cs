using Barman.Core.Configuration;
using Barman.Core.Logging;
using Barman.Core.Os;
using Barman.Core.Output;

namespace Barman.Core.Cron;

/// <summary>
/// Barman's <c>Server.cron</c> for one server: under the non-blocking <c>.&lt;server&gt;-cron.lock</c>,
/// start archive-wal unless it runs, start receive-wal unless it runs (streaming_archiver on) or
/// stop it (off). The children take their own locks, so a race between two crons only makes the
/// later child exit quietly.
/// </summary>
public sealed class ServerCron(ServerConfig server, IOutput output, IBarmanChildLauncher launcher)
{
    public const string ArchiveWalVerb = "archive-wal";
    public const string ReceiveWalVerb = "receive-wal";

    private readonly Serilog.ILogger _log = BarmanLog.For("barman.server");

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var cronLockPath = LockFile.PathFor(server.LockDirectory, server.Name, LockKind.Cron);
        try
        {
            using var cronLock = AcquireCronLock(cronLockPath);
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
                await ProcessManager.StopReceiveWalAsync(server, output, failIfNotPresent: false, cancellationToken);
        }
        catch (UnauthorizedAccessException)
        {
            output.Error($"Permission denied, unable to access '{cronLockPath}'");
        }
        catch (IOException e)
        {
            output.Error(e.Message);
        }
    }

    private LockFile? AcquireCronLock(string path)
    {
        try
        {
            return LockFile.TryAcquire(path);
        }
        catch (DirectoryNotFoundException)
        {
            // A fresh install: nothing has created barman_home (the lock directory) yet.
            Directory.CreateDirectory(server.LockDirectory);
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

    /// <summary>
    /// Probes a lock without taking it (and without writing our PID into it, unlike Barman's
    /// acquire-and-release): a concurrent <c>check</c> never reads cron's short-lived PID.
    /// </summary>
    private bool IsHeld(LockKind kind) =>
        LockFile.Holder(LockFile.PathFor(server.LockDirectory, server.Name, kind)) is not null;
}
