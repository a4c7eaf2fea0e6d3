using System.Diagnostics;
using Barman.Core.Configuration;
using Barman.Core.Hooks;
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
    /// Every pass that ran (or could not take its lock) records its outcome (<see cref="ArchiveRunOutcomes"/>).
    /// </summary>
    /// <param name="hookRetry">how retry hook scripts are retried (Barman's timings by default)</param>
    public static async Task<bool> RunAsync(ServerConfig server, IOutput output, bool verbose, CancellationToken cancellationToken, HookRetryPolicy? hookRetry = null) =>
        await PassAsync(server, output, verbose, cancellationToken, hookRetry) != ArchivePassResult.Failed;

    /// <summary>
    /// The same pass as <see cref="RunAsync"/>, telling a pass that found the lock busy (left to the
    /// run holding it) from one that ran: receive-wal's archiving on completion retries sooner after the former.
    /// </summary>
    public static async Task<ArchivePassResult> PassAsync(ServerConfig server, IOutput output, bool verbose, CancellationToken cancellationToken, HookRetryPolicy? hookRetry = null)
    {
        output.Debug($"Starting archive-wal for server {server.Name}");
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var capture = new ErrorCapture(output);
        var lockPath = WalLayout.ArchiveWalLockPath(server);
        LockFile? held;
        try
        {
            DurableFile.CreateDirectoryDurably(server.LockDirectory);
            held = LockFile.TryAcquire(lockPath);
        }
        catch (UnauthorizedAccessException)
        {
            capture.Error($"Permission denied, unable to access '{lockPath}'");
            Record(server, started, clock, false, 0, capture);
            return ArchivePassResult.Failed;
        }
        catch (IOException e)
        {
            // a full or failing disk under the lock directory: one line, never a stack trace
            capture.Error($"Unable to take the archive-wal lock '{lockPath}' of server '{server.Name}': {FileErrors.Cause(e, [server.LockDirectory])}");
            Record(server, started, clock, false, 0, capture);
            return ArchivePassResult.Failed;
        }
        if (held is null)
        {
            output.Info($"Another archive-wal process is already running on server {server.Name}. Skipping to the next server");
            return ArchivePassResult.Busy;
        }
        using (held)
        {
            var pass = new Pass();
            bool ok;
            try
            {
                ok = await RunLockedAsync(server, capture, verbose, pass, hookRetry, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Unexpected: the CLI reports it as an EXCEPTION; monitoring must still see a failed run.
                Record(server, started, clock, false, pass.Archived, capture, e.Message);
                throw;
            }
            Record(server, started, clock, ok, pass.Archived, capture);
            return ok ? ArchivePassResult.Done : ArchivePassResult.Failed;
        }
    }

    /// <summary>What the archivers of one pass archived.</summary>
    private sealed class Pass
    {
        public int Archived;
    }

    private static async Task<bool> RunLockedAsync(ServerConfig server, IOutput output, bool verbose, Pass pass, HookRetryPolicy? hookRetry, CancellationToken cancellationToken)
    {
        try
        {
            ServerDirectories.Secure(server);
            var storage = ArchiveStorage.For(server);
            await ArchiveRecovery.RecoverAsync(server, storage, cancellationToken, hookRetry);
            foreach (var kind in Archivers(server))
            {
                var archiver = new WalArchiver(server, output, kind, hookRetry: hookRetry, storage: storage);
                var ok = await archiver.ArchiveAsync(verbose, cancellationToken);
                pass.Archived += archiver.Archived;
                if (!ok)
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
            // An expected I/O failure (full disk, permission, read-only or failing disk): one line with
            // its cause, on stderr and in the log, never a stack trace.
            output.Error($"archive-wal failed for server '{server.Name}': {FileErrors.Describe(e, [server.WalsDirectory, server.StreamingWalsDirectory, server.IncomingWalsDirectory, server.ErrorsDirectory, Path.GetDirectoryName(server.XlogdbFile)!, server.BackupDirectory])}");
            return false;
        }
        return true;
    }

    private static void Record(ServerConfig server, DateTimeOffset started, Stopwatch clock, bool ok, int archived, ErrorCapture capture, string? error = null) =>
        ArchiveRunOutcomes.Record(server, new ArchiveRunOutcome(started, clock.Elapsed, ok, archived, ok ? null : capture.FirstError ?? error ?? "archive-wal failed"));

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
