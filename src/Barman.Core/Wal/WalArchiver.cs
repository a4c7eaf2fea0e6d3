using Barman.Core.Compression;
using Barman.Core.Configuration;
using Barman.Core.Hooks;
using Barman.Core.Logging;
using Barman.Core.Os;
using Barman.Core.Output;
using Serilog;

namespace Barman.Core.Wal;

/// <summary>Which queue an archiver drains.</summary>
internal enum WalSourceKind
{
    /// <summary><c>streaming_wals_directory</c>, filled by pg_receivewal.</summary>
    Streaming,
    /// <summary><c>incoming_wals_directory</c>, filled by archive_command / put-wal.</summary>
    Incoming,
}

/// <summary>
/// One archiver run (Barman's <c>WalArchiver.archive</c>, spec §8): select the batch, archive it
/// in order, handle duplicates and unknown objects, print exactly Barman's lines.
/// Files are compressed in parallel, then committed in order in chunks: intent journal, renames,
/// one fsync per touched directory, one xlog.db append + fsync (see <see cref="ArchiveJournal"/>).
/// The caller holds the archive-wal lock.
/// </summary>
internal sealed class WalArchiver
{
    private const int CopyBufferSize = 1 << 20;

    private readonly ServerConfig _server;
    private readonly IOutput _output;
    private readonly WalSourceKind _kind;
    private readonly ICompressor? _compressor;
    private readonly ILogger _log = BarmanLog.For("barman.wal_archiver");
    private readonly int _parallelism;
    private readonly ArchiveHooks? _hooks;

    /// <param name="hookRetry">how retry hook scripts are retried (Barman's timings by default)</param>
    public WalArchiver(ServerConfig server, IOutput output, WalSourceKind kind, int? parallelism = null, HookRetryPolicy? hookRetry = null)
    {
        _server = server;
        _output = output;
        _kind = kind;
        _compressor = Compressors.Get(server.Compression);
        _parallelism = Math.Max(1, parallelism ?? Environment.ProcessorCount);
        _hooks = ArchiveHooks.For(server, hookRetry ?? HookRetryPolicy.Barman);
    }

    /// <summary>Barman's archiver name as printed: <c>streaming</c> or <c>file archival</c>.</summary>
    public string Name => _kind == WalSourceKind.Streaming ? "streaming" : "file archival";

    private string SourceDirectory => _kind == WalSourceKind.Streaming ? _server.StreamingWalsDirectory : _server.IncomingWalsDirectory;
    private int BatchSize => _kind == WalSourceKind.Streaming ? _server.StreamingArchiverBatchSize : _server.ArchiverBatchSize;

    /// <summary>Archives one batch. False when an error stopped it (already reported with <c>ERROR:</c>).</summary>
    public async Task<bool> ArchiveAsync(bool verbose, CancellationToken cancellationToken)
    {
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var header = $"Processing xlog segments from {Name} for {_server.Name}";
        var batch = _kind == WalSourceKind.Streaming
            ? WalBatch.SelectStreaming(SourceDirectory, BatchSize, _server.Name, _log)
            : WalBatch.SelectIncoming(SourceDirectory, BatchSize);

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

        var state = new RunState(batch.RunSize, stamp);
        var ok = true;
        foreach (var chunk in batch.Run.Chunk(ChunkSize()))
        {
            if (state.Processed == 0 && !verbose)
                _output.Info(header, log: false);
            // Pre hooks run for the whole chunk before it is prepared; an ABORT_STOP cuts the chunk there.
            var abort = _hooks is null ? null : await _hooks.RunPreAsync(chunk, _kind == WalSourceKind.Incoming, cancellationToken);
            var run = abort is null ? chunk : chunk[..abort.Index];
            if (run.Length > 0 && !await ArchiveChunkAsync(run, state, cancellationToken))
            {
                ok = false;
                break;
            }
            if (abort is not null)
                return await AbortedAsync(chunk[abort.Index], abort, state, cancellationToken);
        }
        if (!ok)
            return false;

        if (state.Processed > 0)
            _log.Debug("Archived {Processed} out of {Total} xlog segments from {Archiver:l} for {Server:l}", state.Processed, batch.Total, Name, _server.Name);
        else if (verbose)
            _output.Info("\tno file found", log: false);

        if (batch.Unknown.Count > 0)
            return MoveUnknown(batch.Unknown, stamp);
        return true;
    }

    /// <summary>
    /// Files per commit: with compression a few per core (so a crash loses little work and cores
    /// stay busy); without, large chunks (renames are cheap, fsyncs are per chunk). With hook scripts
    /// a chunk's pre hooks all run before any of its files is archived, so chunks shrink to what the
    /// cores compress at once, and without compression to one file: Barman's per-file order, and a
    /// slow retry hook never holds back archived files.
    /// </summary>
    private int ChunkSize() => (_hooks, _compressor) switch
    {
        (null, null) => 1024,
        (null, _) => Math.Max(4, _parallelism * 4),
        (_, null) => 1,
        _ => _parallelism,
    };

    private sealed class RunState(int runSize, string stamp)
    {
        public int Processed { get; set; }
        public int RunSize { get; } = runSize;
        public string Stamp { get; } = stamp;
    }

    private enum Outcome
    {
        Archive,
        MatchingDuplicate,
        Duplicate,
        Failed,
    }

    /// <summary>What the parallel preparation decided for one file.</summary>
    private sealed class Item(WalSource source, string destination)
    {
        public WalSource Source { get; } = source;
        public string Destination { get; } = destination;
        public string Temporary => Destination + ".tmp";
        public Outcome Outcome { get; set; }
        /// <summary>The archived file is written to <see cref="Temporary"/> (compressed or copied) rather than renamed.</summary>
        public bool Copied { get; set; }
        public long Size { get; set; }
        public string? Compression { get; set; }
        public Exception? Error { get; set; }

        public XlogDbEntry Entry => new(Source.Name, Size, Source.Status.PythonMtime, Compression);
    }

    private async Task<bool> ArchiveChunkAsync(WalSource[] chunk, RunState state, CancellationToken cancellationToken)
    {
        var items = chunk.Select(s => new Item(s, WalLayout.ArchivePath(_server, s.Name))).ToArray();
        var journalPath = WalLayout.JournalPath(_server);
        var compressing = _compressor is not null;
        if (compressing)
        {
            // Temporary files may be created from now on: list them so that a crash leaves nothing stale.
            new ArchiveJournal(ArchiveJournal.Prepare, 0, 0, [.. items.Select(i => new JournalEntry(i.Source.Path, i.Destination, i.Entry))]).Write(journalPath);
            CrashPoint.Hit("prepare-journal");
        }

        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = _parallelism, CancellationToken = cancellationToken }, PrepareAsync);

        var commit = await CommitAsync(items, state, journalPath, compressing, cancellationToken);
        if (_hooks is not null)
            await RunPostHooksAsync(items, commit.Renamed, commit.Failed, cancellationToken);
        if (commit.JournalKept)
        {
            ArchiveJournal.Delete(journalPath);
            CrashPoint.Hit("journal-removed");
        }
        if (commit.Failed is { } failed)
        {
            _output.Error($"Unable to archive WAL file '{failed.Source.Path}' for server '{_server.Name}': {Describe(failed.Error)}");
            return false;
        }
        return true;
    }

    /// <summary>What a chunk's commit did; <see cref="JournalKept"/>: its journal waits for the post hooks.</summary>
    private sealed record CommitResult(List<Item> Renamed, Item? Failed, bool JournalKept);

    /// <summary>
    /// Commits a prepared chunk under the xlog.db lock: commit journal, renames, one fsync per touched
    /// directory, one xlog.db append + fsync, then the sources of copies. Returns before any post hook
    /// runs, so that the lock is released: a post_archive_retry_script may retry for hours, and check
    /// and status read xlog.db under the same lock. When post hooks are configured, the journal of a
    /// chunk that archived files stays until they ran: after a crash the recovery runs them (at least once).
    /// </summary>
    private async Task<CommitResult> CommitAsync(Item[] items, RunState state, string journalPath, bool compressing, CancellationToken cancellationToken)
    {
        using var db = await XlogDb.LockAsync(_server, cancellationToken);
        var cut = Array.FindIndex(items, i => i.Outcome == Outcome.Failed);
        var upTo = cut < 0 ? items.Length : cut;
        var toArchive = items.Take(upTo).Where(i => i.Outcome == Outcome.Archive).ToList();
        (long Inode, long Length) xlogdb = (0, 0);
        if (toArchive.Count > 0)
        {
            db.EnsureExists();
            xlogdb = db.Identity();
            new ArchiveJournal(ArchiveJournal.Commit, xlogdb.Inode, xlogdb.Length, [.. toArchive.Select(i => new JournalEntry(i.Source.Path, i.Destination, i.Entry))]).Write(journalPath);
            CrashPoint.Hit("commit-journal");
        }

        var renamed = new List<Item>();
        var touchedDirectories = new HashSet<string>(StringComparer.Ordinal);
        var sourceTouched = false;
        var errorsTouched = false;
        Item? failed = null;
        foreach (var item in items)
        {
            Announce(item.Source, state);
            try
            {
                switch (item.Outcome)
                {
                    case Outcome.MatchingDuplicate:
                        // Same content already archived: drop the source, no xlog.db line (Barman).
                        File.Delete(item.Source.Path);
                        sourceTouched = true;
                        CrashPoint.Hit("duplicate");
                        break;
                    case Outcome.Duplicate:
                        _output.Info($"\tError: {item.Source.Name} is already present in server {_server.Name}. File moved to errors directory.");
                        MoveToErrors(item.Source.Path, WalLayout.ErrorPath(_server, item.Source.Name, state.Stamp, "duplicate"));
                        sourceTouched = errorsTouched = true;
                        CrashPoint.Hit("duplicate");
                        break;
                    case Outcome.Archive:
                        Commit(item);
                        renamed.Add(item);
                        touchedDirectories.Add(Path.GetDirectoryName(item.Destination)!);
                        sourceTouched |= !item.Copied;
                        CrashPoint.Hit("rename");
                        break;
                    default:
                        break;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                item.Outcome = Outcome.Failed;
                item.Error = e;
            }
            if (item.Outcome == Outcome.Failed)
            {
                failed = item;
                break;
            }
        }

        foreach (var directory in touchedDirectories)
            DurableFile.FsyncDirectory(directory);
        CrashPoint.Hit("dst-fsync");

        if (renamed.Count > 0)
        {
            try
            {
                db.Append(renamed.Select(i => i.Entry));
                CrashPoint.Hit("xlogdb-append");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Without its xlog.db line an archived file would be invisible: put the sources back.
                RollBack(renamed, db, xlogdb.Length);
                failed ??= renamed[0];
                failed.Error = e;
                renamed.Clear();
                sourceTouched = true;
            }
        }
        foreach (var item in renamed.Where(i => i.Copied))
        {
            // The compressed (or copied) archive file is durable: the source can go.
            File.Delete(item.Source.Path);
            sourceTouched = true;
            CrashPoint.Hit("src-unlink");
        }
        if (sourceTouched)
            DurableFile.FsyncDirectory(SourceDirectory);
        if (errorsTouched)
            DurableFile.FsyncDirectory(_server.ErrorsDirectory);
        foreach (var item in items.Where(i => i.Outcome is Outcome.Archive or Outcome.Failed && !renamed.Contains(i)))
            DeleteIfExists(item.Temporary);
        var journaled = compressing || toArchive.Count > 0;
        var keepJournal = journaled && renamed.Count > 0 && _hooks is { HasPostHooks: true };
        if (journaled && !keepJournal)
        {
            ArchiveJournal.Delete(journalPath);
            CrashPoint.Hit("journal-removed");
        }
        return new CommitResult(renamed, failed, keepJournal);
    }

    /// <summary>
    /// The post hooks of a committed chunk, in order, each seeing its durable archive file and xlog.db line.
    /// Files after a failed one had their pre hooks run: they get their post hooks too, with the failure.
    /// </summary>
    private async Task RunPostHooksAsync(Item[] items, List<Item> renamed, Item? failed, CancellationToken cancellationToken)
    {
        foreach (var item in items)
        {
            var error = item.Outcome switch
            {
                _ when renamed.Contains(item) => null,
                Outcome.MatchingDuplicate or Outcome.Duplicate => _hooks!.DuplicateError(item.Source, item.Outcome == Outcome.MatchingDuplicate),
                _ => Describe(failed?.Error),
            };
            await _hooks!.RunPostAsync(item.Source, item.Destination, error is null ? (item.Size, item.Compression) : null, error, cancellationToken);
            CrashPoint.Hit("post-hooks");
        }
    }

    /// <summary>
    /// A pre_archive_retry_script asked to stop at <paramref name="source"/>: Barman reports the file,
    /// runs its post hooks and ends this archiver's run (unknown objects stay, exit code unchanged).
    /// </summary>
    private async Task<bool> AbortedAsync(WalSource source, HookAbort abort, RunState state, CancellationToken cancellationToken)
    {
        Announce(source, state);
        await _hooks!.RunPostAsync(source, WalLayout.ArchivePath(_server, source.Name), null, abort.Reason, cancellationToken);
        _log.Warning("Archiving of {Server:l}/{Name:l} aborted by pre_archive_retry_script.Reason: {Reason:l}", _server.Name, source.Name, abort.Reason);
        return true;
    }

    /// <summary>Barman's per-file line (printed before the file is archived) and its log line.</summary>
    private void Announce(WalSource source, RunState state)
    {
        state.Processed++;
        _output.Info("\t" + source.Name, log: false);
        _log.Information("Archiving segment {Index} of {Run} from {Archiver:l}: {Server:l}/{Name:l}", state.Processed, state.RunSize, Name, _server.Name, source.Name);
    }

    /// <summary>Decides what to do with one file; compresses it to its temporary name if needed. Runs in parallel.</summary>
    private async ValueTask PrepareAsync(Item item, CancellationToken cancellationToken)
    {
        try
        {
            CompressionFormat? sourceFormat = _kind == WalSourceKind.Incoming ? Compressors.Identify(item.Source.Path) : null;
            if (FileCalls.Lstat(item.Destination) is not null)
            {
                item.Outcome = await SameContentAsync(item.Destination, item.Source.Path, sourceFormat, cancellationToken)
                    ? Outcome.MatchingDuplicate
                    : Outcome.Duplicate;
                return;
            }
            DurableFile.CreateDirectoryDurably(Path.GetDirectoryName(item.Destination)!);
            item.Outcome = Outcome.Archive;
            if (_compressor is not null && sourceFormat is null)
            {
                item.Size = await CompressAsync(item, _compressor, cancellationToken);
                item.Copied = true;
                item.Compression = _compressor.Name;
            }
            else
            {
                // The rename makes the source the archive file: its data must be on disk first.
                using (var source = new FileStream(item.Source.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1))
                    FileCalls.Fsync(source.SafeFileHandle);
                item.Size = item.Source.Status.Size;
                item.Compression = sourceFormat is null ? null : Compressors.For(sourceFormat.Value).Name;
            }
            CrashPoint.Hit("prepared");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            item.Outcome = Outcome.Failed;
            item.Error = e;
        }
    }

    /// <summary>Compresses the source into the item's temporary file, with the source's mode and times, fsynced.</summary>
    private static async Task<long> CompressAsync(Item item, ICompressor compressor, CancellationToken cancellationToken)
    {
        await using var source = new FileStream(item.Source.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, CopyBufferSize, FileOptions.SequentialScan);
        var options = new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = CopyBufferSize,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        await using var target = new FileStream(item.Temporary, options);
        await using (var compressed = compressor.Compress(target))
            await source.CopyToAsync(compressed, CopyBufferSize, cancellationToken);
        await target.FlushAsync(cancellationToken);
        File.SetUnixFileMode(target.SafeFileHandle, item.Source.Status.Mode);
        FileCalls.SetTimes(target.SafeFileHandle, item.Source.Status);
        FileCalls.Fsync(target.SafeFileHandle);
        return target.Length;
    }

    /// <summary>Byte-for-byte comparison of the uncompressed contents (never a size+mtime shortcut).</summary>
    private static async Task<bool> SameContentAsync(string archived, string source, CompressionFormat? sourceFormat, CancellationToken cancellationToken)
    {
        await using var left = Compressors.OpenDecompressed(archived);
        await using var right = sourceFormat is null
            ? new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1)
            : Compressors.OpenDecompressed(source);
        var a = new byte[1 << 16];
        var b = new byte[1 << 16];
        while (true)
        {
            var na = await left.ReadAtLeastAsync(a, a.Length, throwOnEndOfStream: false, cancellationToken);
            var nb = await right.ReadAtLeastAsync(b, b.Length, throwOnEndOfStream: false, cancellationToken);
            if (na != nb || !a.AsSpan(0, na).SequenceEqual(b.AsSpan(0, nb)))
                return false;
            if (na < a.Length)
                return true;
        }
    }

    /// <summary>Makes one prepared file the archive file (rename; a copy when the archive is on another filesystem).</summary>
    private static void Commit(Item item)
    {
        if (item.Copied)
        {
            FileCalls.RenameNoReplace(item.Temporary, item.Destination);
            return;
        }
        try
        {
            FileCalls.RenameNoReplace(item.Source.Path, item.Destination);
        }
        catch (IOException e) when (e.HResult == FileCalls.EXDEV)
        {
            CopyDurably(item.Source.Path, item.Temporary, item.Source.Status);
            FileCalls.RenameNoReplace(item.Temporary, item.Destination);
            item.Copied = true;
        }
    }

    private static void CopyDurably(string source, string temporary, FileStatus status)
    {
        using (var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, CopyBufferSize, FileOptions.SequentialScan))
        using (var output = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, CopyBufferSize))
        {
            input.CopyTo(output, CopyBufferSize);
            output.Flush();
            File.SetUnixFileMode(output.SafeFileHandle, status.Mode);
            FileCalls.SetTimes(output.SafeFileHandle, status);
            FileCalls.Fsync(output.SafeFileHandle);
        }
    }

    /// <summary>Undoes the renames of a chunk whose xlog.db append failed, and the append itself.</summary>
    private void RollBack(List<Item> renamed, XlogDb db, long xlogdbLength)
    {
        foreach (var item in renamed)
        {
            if (item.Copied)
                DeleteIfExists(item.Destination);
            else
                FileCalls.RenameNoReplace(item.Destination, item.Source.Path);
        }
        foreach (var directory in renamed.Select(i => Path.GetDirectoryName(i.Destination)!).Distinct(StringComparer.Ordinal))
            DurableFile.FsyncDirectory(directory);
        DurableFile.FsyncDirectory(SourceDirectory);
        try
        {
            db.Truncate(xlogdbLength);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.Error("Cannot truncate {Path:l} back to {Length} bytes: {Message:l}", db.Path, xlogdbLength, e.Message);
        }
    }

    private bool MoveUnknown(IReadOnlyList<string> unknown, string stamp)
    {
        _output.Info($"Some unknown objects have been found while processing xlog segments for {_server.Name}. Objects moved to errors directory:", log: false);
        _log.Warning("Archiver is about to move {Count} unexpected file(s) to errors directory for {Server:l} from {Archiver:l}", unknown.Count, _server.Name, Name);
        foreach (var name in unknown)
        {
            _output.Info("\t" + name, log: false);
            _log.Warning("Moving unexpected file for {Server:l} from {Archiver:l}: {Name:l}", _server.Name, Name, name);
            var source = Path.Combine(SourceDirectory, name);
            try
            {
                MoveToErrors(source, WalLayout.ErrorPath(_server, name, stamp, "unknown"));
            }
            catch (FileNotFoundException)
            {
                _log.Warning("{Path:l} not found", source);
            }
            catch (DirectoryNotFoundException)
            {
                _log.Warning("{Path:l} not found", source);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                if (e is IOException { HResult: FileCalls.ENOENT })
                {
                    _log.Warning("{Path:l} not found", source);
                    continue;
                }
                _output.Error($"Unable to move '{source}' to the errors directory of server '{_server.Name}': {Describe(e)}");
                return false;
            }
        }
        DurableFile.FsyncDirectory(_server.ErrorsDirectory);
        DurableFile.FsyncDirectory(SourceDirectory);
        return true;
    }

    /// <summary>
    /// Moves a file or directory into errors/ (created when missing — Barman 3.4 crashes there),
    /// never replacing an existing entry. The caller fsyncs both directories.
    /// </summary>
    private void MoveToErrors(string source, string destination)
    {
        DurableFile.CreateDirectoryDurably(_server.ErrorsDirectory);
        var target = destination;
        for (var n = 1; ; n++)
        {
            try
            {
                FileCalls.RenameNoReplace(source, target);
                return;
            }
            catch (IOException e) when (e.HResult == FileCalls.EEXIST)
            {
                target = $"{destination}.{n}";
            }
            catch (IOException e) when (e.HResult == FileCalls.EXDEV && FileCalls.Lstat(source) is { IsRegularFile: true } status)
            {
                CopyDurably(source, target + ".tmp", status);
                FileCalls.RenameNoReplace(target + ".tmp", target);
                DurableFile.FsyncDirectory(_server.ErrorsDirectory);
                File.Delete(source);
                return;
            }
        }
    }

    private static void DeleteIfExists(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    /// <summary>The cause of a failure in the operator's words (errno text and the file concerned).</summary>
    internal static string Describe(Exception? e) => e switch
    {
        null => "unknown error",
        UnauthorizedAccessException u => u.InnerException?.Message is { } inner ? $"{u.Message} ({inner})" : u.Message,
        _ => e.Message,
    };
}
