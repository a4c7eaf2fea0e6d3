using Barman.Core.Compression;
using Barman.Core.Configuration;
using Barman.Core.Hooks;
using Barman.Core.Logging;
using Barman.Core.Output;
using Barman.Core.Storage;
using Serilog;

namespace Barman.Core.Wal;

/// <summary>
/// One archiver run (Barman's <c>WalArchiver.archive</c>, spec §8): select the batch, archive it
/// in order, chunk by chunk — pre hooks, parallel preparation (<see cref="ArchivePreparation"/>),
/// commit (<see cref="ArchiveCommit"/>), post hooks (<see cref="ChunkPostHooks"/>) — then move the
/// unknown objects to errors/ (<see cref="ErrorsDirectory"/>), printing exactly Barman's lines.
/// The caller holds the archive-wal lock.
/// </summary>
internal sealed class WalArchiver
{
    private readonly ServerConfig _server;
    private readonly IOutput _output;
    private readonly WalSourceKind _kind;
    private readonly ICompressor? _compressor;
    private readonly ILogger _log = BarmanLog.For("barman.wal_archiver");
    private readonly int _parallelism;
    private readonly ArchiveHooks? _hooks;
    private readonly IArchiveStorage _storage;
    private readonly ErrorsDirectory _errors;
    private readonly ArchivePreparation _preparation;
    private readonly ArchiveCommit _commit;

    /// <param name="hookRetry">how retry hook scripts are retried (Barman's timings by default)</param>
    /// <param name="storage">the archive (the server's local <c>wals_directory</c> by default)</param>
    public WalArchiver(ServerConfig server, IOutput output, WalSourceKind kind, int? parallelism = null, HookRetryPolicy? hookRetry = null, IArchiveStorage? storage = null)
    {
        _server = server;
        _output = output;
        _kind = kind;
        _compressor = Compressors.Get(server.Compression);
        _parallelism = Math.Max(1, parallelism ?? Environment.ProcessorCount);
        _hooks = ArchiveHooks.For(server, hookRetry ?? HookRetryPolicy.Barman);
        _storage = storage ?? ArchiveStorage.For(server);
        _errors = new ErrorsDirectory(server, output, _log, kind);
        _preparation = new ArchivePreparation(_storage, kind, _compressor, new ArchiveValidation(server));
        _commit = new ArchiveCommit(server, output, _storage, kind, _errors, _hooks is { HasPostHooks: true }, _log);
    }

    /// <summary>Files this archiver committed to the archive (and xlog.db) so far.</summary>
    public int Archived { get; private set; }

    /// <summary>Barman's archiver name as printed: <c>streaming</c> or <c>file archival</c>.</summary>
    public string Name => _kind.ArchiverName();

    /// <summary>Archives one batch. False when an error stopped it (already reported with <c>ERROR:</c>).</summary>
    public async Task<bool> ArchiveAsync(bool verbose, CancellationToken cancellationToken)
    {
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var header = $"Processing xlog segments from {Name} for {_server.Name}";
        var directory = _kind.Directory(_server);
        var batchSize = _kind.BatchSize(_server);
        var batch = _kind == WalSourceKind.Streaming
            ? WalBatch.SelectStreaming(directory, batchSize, _server.Name, _log)
            : WalBatch.SelectIncoming(directory, batchSize);

        if (batch.Total > 0)
        {
            if (batch.Total > batch.RunSize)
            {
                _log.Information("Found {Total} xlog segments from {Archiver:l} for {Server:l}. Archive a batch of {Run} segments in this run.", batch.Total, Name, _server.Name, batch.RunSize);
                header += $" (batch size: {batch.RunSize})";
            }
            else
            {
                _log.Information("Found {Total} xlog segments from {Archiver:l} for {Server:l}. Archive all segments in one run.", batch.Total, Name, _server.Name);
            }
        }
        else
        {
            _log.Information("No xlog segments found from {Archiver:l} for {Server:l}.", Name, _server.Name);
        }
        if (verbose)
            _output.Info(header, log: false);

        var progress = new ArchiveProgress(_output, _log, Name, _server.Name, batch.RunSize, stamp);
        var ok = true;
        foreach (var chunk in batch.Run.Chunk(ChunkPolicy.Size(_hooks is not null, _compressor is not null, _parallelism)))
        {
            if (progress.Processed == 0 && !verbose)
                _output.Info(header, log: false);
            // Pre hooks run for the whole chunk before it is prepared; an ABORT_STOP cuts the chunk there.
            var abort = _hooks is null ? null : await _hooks.RunPreAsync(chunk, _kind == WalSourceKind.Incoming, cancellationToken);
            var run = abort is null ? chunk : chunk[..abort.Index];
            if (run.Length > 0 && !await ArchiveChunkAsync(run, progress, cancellationToken))
            {
                ok = false;
                break;
            }
            if (abort is not null)
                return await AbortedAsync(chunk[abort.Index], abort, progress, cancellationToken);
        }
        if (!ok)
            return false;

        if (progress.Processed > 0)
            _log.Debug("Archived {Processed} out of {Total} xlog segments from {Archiver:l} for {Server:l}", progress.Processed, batch.Total, Name, _server.Name);
        else if (verbose)
            _output.Info("\tno file found", log: false);

        if (batch.Unknown.Count > 0)
            return _errors.MoveUnknown(batch.Unknown, stamp);
        return true;
    }

    private async Task<bool> ArchiveChunkAsync(WalSource[] chunk, ArchiveProgress progress, CancellationToken cancellationToken)
    {
        var items = chunk.Select(NewItem).ToArray();
        var compressing = _compressor is not null;
        if (compressing && _commit.BeginPreparation(items) is { } journalFailure)
        {
            _output.Error(journalFailure);
            return false;
        }

        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = _parallelism, CancellationToken = cancellationToken }, _preparation.PrepareAsync);

        var commit = await _commit.CommitAsync(items, progress, prepared: compressing, cancellationToken);
        Archived += commit.Archived.Count;
        if (_hooks is not null)
            await ChunkPostHooks.RunAsync(_hooks, items, commit, cancellationToken);
        _commit.Complete(commit);
        if (commit.Failure is { } failure)
        {
            _output.Error(failure);
            return false;
        }
        return true;
    }

    private ArchiveItem NewItem(WalSource source)
    {
        var key = WalLayout.KeyOf(source.Name);
        return new ArchiveItem(source, key, _storage.Locate(key));
    }

    /// <summary>
    /// A pre_archive_retry_script asked to stop at <paramref name="source"/>: Barman reports the file,
    /// runs its post hooks and ends this archiver's run (unknown objects stay, exit code unchanged).
    /// </summary>
    private async Task<bool> AbortedAsync(WalSource source, HookAbort abort, ArchiveProgress progress, CancellationToken cancellationToken)
    {
        progress.Announce(source);
        await _hooks!.RunPostAsync(source, _storage.Locate(WalLayout.KeyOf(source.Name)), null, abort.Reason, cancellationToken);
        _log.Warning("Archiving of {Server:l}/{Name:l} aborted by pre_archive_retry_script.Reason: {Reason:l}", _server.Name, source.Name, abort.Reason);
        return true;
    }
}
