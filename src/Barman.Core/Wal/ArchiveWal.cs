using Barman.Core.Configuration;
using Barman.Core.Hooks;
using Barman.Core.Logging;
using Barman.Core.Os;
using Barman.Core.Output;
using Barman.Core.Storage;

namespace Barman.Core.Wal;

/// <summary>
/// <c>barman archive-wal SERVER</c> (Barman's <c>Server.archive_wal</c>, spec §8): under the
/// non-blocking archive-wal lock, repair an interrupted run, then the streaming archiver and the
/// file archiver in that order. Also the archiving pass of <c>switch-wal --archive</c> (verbose off).
/// </summary>
internal static class ArchiveWal
{
    /// <summary>
    /// One archiving pass. Returns false if an error was reported (the exit code follows the output's
    /// error flag). "Another archive-wal process is already running" is info and returns true, as in Barman.
    /// </summary>
    /// <param name="hookRetry">how retry hook scripts are retried (Barman's timings by default)</param>
    public static async Task<bool> RunAsync(ServerConfig server, IOutput output, bool verbose, CancellationToken cancellationToken, HookRetryPolicy? hookRetry = null)
    {
        output.Debug($"Starting archive-wal for server {server.Name}");
        var lockPath = WalLayout.ArchiveWalLockPath(server);
        LockFile? held;
        try
        {
            Directory.CreateDirectory(server.LockDirectory);
            held = LockFile.TryAcquire(lockPath);
        }
        catch (UnauthorizedAccessException)
        {
            output.Error($"Permission denied, unable to access '{lockPath}'");
            return false;
        }
        if (held is null)
        {
            output.Info($"Another archive-wal process is already running on server {server.Name}. Skipping to the next server");
            return true;
        }
        using (held)
        {
            try
            {
                var storage = ArchiveStorage.For(server);
                await ArchiveRecovery.RecoverAsync(server, storage, cancellationToken, hookRetry);
                foreach (var kind in Archivers(server))
                {
                    if (!await new WalArchiver(server, output, kind, hookRetry: hookRetry, storage: storage).ArchiveAsync(verbose, cancellationToken))
                        return false;
                }
            }
            catch (ArgumentException e) when (e.ParamName == "name")
            {
                output.Error(e.Message.Split(" (Parameter", 2)[0]);
                return false;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                BarmanLog.For("barman.wal_archiver").Error(e, "archive-wal failed for server {Server:l}", server.Name);
                output.Error($"archive-wal failed for server '{server.Name}': {FileErrors.Describe(e)}");
                return false;
            }
        }
        return true;
    }

    /// <summary>The archivers of a server in Barman's order: streaming first, then file archival. None on a passive node.</summary>
    public static IReadOnlyList<WalSourceKind> Archivers(ServerConfig server)
    {
        if (server.Passive)
            return [];
        var list = new List<WalSourceKind>();
        if (server.StreamingArchiver)
            list.Add(WalSourceKind.Streaming);
        if (server.Archiver)
            list.Add(WalSourceKind.Incoming);
        return list;
    }
}
