using Barman.Core.Configuration;
using Barman.Core.Os;
using Barman.Core.Output;
using Barman.Core.Storage;
using Barman.Core.Storage.ObjectStore;
using Serilog;

namespace Barman.Core.Wal;

/// <summary>
/// What a chunk's commit did: the files it archived, the file that stopped it (if a file did), the
/// <c>ERROR:</c> line that says why it stopped (a file, the journal or xlog.db) and its cause alone (the post hooks'
/// <c>BARMAN_ERROR</c>), whether its journal waits for the post hooks.
/// </summary>
internal sealed record CommitResult(IReadOnlyList<ArchiveItem> Archived, ArchiveItem? Failed, string? Failure, string? Cause, bool JournalKept);

/// <summary>
/// The commit protocol of one archive-wal chunk: the only place where archived files become
/// visible, recorded, and their sources go. The order is what makes a kill -9 at any instant
/// harmless (the next run's <see cref="ArchiveRecovery"/> completes what a journal lists):
/// <list type="number">
/// <item>With compression, before any temporary file exists: the <c>prepare</c> journal, durable
/// (written to <c>.new</c>, fsynced, renamed, its directory fsynced) — <see cref="BeginPreparation"/>.
/// Then each file is prepared: a compressed copy is fsynced, and a plain source's data is fsynced,
/// before any rename can make it an archive file.</item>
/// <item>Under the xlogdb lock: the <c>commit</c> journal, durable, with the identity and length of
/// xlog.db, before the first file is published.</item>
/// <item>In order: matching duplicates lose their source, different duplicates go to errors/, and each
/// file is published (rename with RENAME_NOREPLACE of the compressed copy or of the plain source; on
/// an object store a conditional upload, several in flight), stopping at the first failure; every
/// publication that succeeded is recorded, even after a failed one.</item>
/// <item>ONE fsync of each touched archive directory, after all the renames and before the xlog.db
/// append (a line never lists a file that a crash could still lose).</item>
/// <item>Staged copies that were not published are removed (before the append, which may need the
/// space they hold). One xlog.db append of the chunk's lines, fsynced. If it fails, the publications
/// are undone (sources renamed back, copies removed, directories fsynced), the source directory fsynced
/// and xlog.db truncated back, and the failure is xlog.db's; if the undoing fails too, the journal stays
/// and the next run's recovery completes the chunk.</item>
/// <item>Only then the sources of copies are unlinked; then the source directory is fsynced, and
/// errors/ when something went there.</item>
/// <item>The journal is removed (and its directory fsynced) last — after the post hooks when some are
/// configured and files were archived (<see cref="Complete"/>), so that a crash runs them again; never
/// when an upload failed without an answer (it may have landed: the next run's recovery decides).</item>
/// </list>
/// Barman's per-file lines are printed once the append is durable (or failed), in order, never for a
/// file whose publication was undone: a printed line never stands for a file xlog.db does not list.
/// A chunk that cannot write its journal is given up whole before anything is published: its staged
/// copies and its prepare journal are removed (unlinks need no free space), nothing is left for a
/// full disk to keep.
/// The storage does the archive side of steps 3 to 5 (<see cref="IArchivePublication"/>); xlog.db,
/// the journal, the sources and errors/ are local files whatever the storage.
/// </summary>
internal sealed class ArchiveCommit(ServerConfig server, IOutput output, IArchiveStorage storage, WalSourceKind kind, ErrorsDirectory errors, bool postHooks, ILogger log)
{
    private string JournalPath => WalLayout.JournalPath(server);
    private string SourceDirectory => kind.Directory(server);

    /// <summary>
    /// Step 1: lists the chunk in a <c>prepare</c> journal before temporary copies may be created (only
    /// needed when compressing). Returns the <c>ERROR:</c> line when the journal cannot be written (nothing was done).
    /// </summary>
    public string? BeginPreparation(IReadOnlyList<ArchiveItem> items)
    {
        try
        {
            new ArchiveJournal(ArchiveJournal.Prepare, 0, 0, [.. items.Select(i => i.JournalEntry)]).Write(JournalPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return JournalFailure(e);
        }
        CrashPoint.Hit("prepare-journal");
        return null;
    }

    /// <summary>
    /// Steps 2 to 7 for a prepared chunk, under the xlog.db lock. Returns before any post hook runs,
    /// so that the lock is released: a post_archive_retry_script may retry for hours, and check and
    /// status read xlog.db under the same lock.
    /// </summary>
    /// <param name="prepared">whether a prepare journal was written for this chunk</param>
    public async Task<CommitResult> CommitAsync(ArchiveItem[] items, ArchiveProgress progress, bool prepared, CancellationToken cancellationToken)
    {
        using var db = await XlogDb.LockAsync(server, cancellationToken);
        var cut = Array.FindIndex(items, i => i.Outcome == ArchiveOutcome.Failed);
        var toArchive = items.Take(cut < 0 ? items.Length : cut).Where(i => i.Outcome == ArchiveOutcome.Archive).ToList();
        // From the first failed file on, nothing is published in this chunk: what it staged goes first,
        // before the journal and the append need space on a disk that may be full.
        if (cut >= 0)
            await DiscardStagedAsync(items[cut..], cancellationToken);
        (long Inode, long Length) xlogdb = (0, 0);
        if (toArchive.Count > 0)
        {
            try
            {
                db.EnsureExists();
                xlogdb = db.Identity();
                new ArchiveJournal(ArchiveJournal.Commit, xlogdb.Inode, xlogdb.Length, [.. toArchive.Select(i => i.JournalEntry)]).Write(JournalPath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Nothing was published: the whole chunk stays queued, and what it staged goes.
                await DiscardStagedAsync(items, cancellationToken);
                if (prepared)
                    RemoveJournal();
                return new CommitResult([], null, JournalFailure(e), FileErrors.Describe(e), false);
            }
            CrashPoint.Hit("commit-journal");
        }

        var publication = storage.BeginPublication();
        var archived = new List<ArchiveItem>();
        var publishing = new List<(ArchiveItem Item, Task<bool> Published)>();
        var reached = new List<(ArchiveItem Item, Action? Report)>(); // Barman's lines, printed once the append is done
        var sourceTouched = false;
        var errorsTouched = false;
        foreach (var item in items)
        {
            Action? report = null;
            try
            {
                switch (item.Outcome)
                {
                    case ArchiveOutcome.MatchingDuplicate:
                        // Same content already archived: drop the source, no xlog.db line (Barman).
                        File.Delete(item.Source.Path);
                        sourceTouched = true;
                        CrashPoint.Hit("duplicate");
                        break;
                    case ArchiveOutcome.Duplicate:
                        errors.MoveDuplicate(item.Source, progress.Stamp);
                        sourceTouched = errorsTouched = true;
                        report = () => output.Info($"\tError: {item.Source.Name} is already present in server {server.Name}. File moved to errors directory.");
                        CrashPoint.Hit("duplicate");
                        break;
                    case ArchiveOutcome.Corrupt:
                        var kept = errors.MoveCorrupt(item.Source, progress.Stamp);
                        sourceTouched = errorsTouched = true;
                        report = () =>
                        {
                            output.Info($"\tError: {item.Source.Name} is not WAL of server {server.Name}: {item.Refusal}. File moved to errors directory.");
                            output.Error($"{item.Source.Name} refused by archive-wal of server {server.Name}: {item.Refusal} (kept as {kept})");
                        };
                        CrashPoint.Hit("duplicate");
                        break;
                    case ArchiveOutcome.Archive:
                        // started now, awaited below in order: an object store uploads several at once
                        publishing.Add((item, publication.PublishAsync(item.Key, item.Source.Path, item.Source.Status, staged: item.Copied, cancellationToken).AsTask()));
                        break;
                    default:
                        break;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                item.Outcome = ArchiveOutcome.Failed;
                item.Error = e;
            }
            reached.Add((item, report));
            if (item.Outcome == ArchiveOutcome.Failed)
                break;
        }
        foreach (var (item, published) in publishing)
        {
            try
            {
                item.Copied = !await published;
                archived.Add(item);
                sourceTouched |= !item.Copied;
                CrashPoint.Hit("rename");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // the files published after it stay archived (and are recorded): an upload cannot be taken back atomically
                item.Outcome = ArchiveOutcome.Failed;
                item.Error = e;
            }
        }
        var failed = items.FirstOrDefault(i => i.Outcome == ArchiveOutcome.Failed);
        var failure = failed is null ? null : ItemFailure(failed);
        var cause = failed is null ? null : FileErrors.Describe(failed.Error);

        await publication.FlushAsync(cancellationToken);
        CrashPoint.Hit("dst-fsync");
        // What will not be published goes before the append: on a full disk the append needs the space it holds.
        await DiscardStagedAsync(items.Where(i => !archived.Contains(i)), cancellationToken);

        var withdrawn = new HashSet<ArchiveItem>();
        var undone = true;
        if (archived.Count > 0)
        {
            try
            {
                db.Append(archived.Select(i => i.Entry));
                CrashPoint.Hit("xlogdb-append");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Without its xlog.db line an archived file would be invisible: put the sources back.
                // The failure is xlog.db's, whatever else failed in the chunk (that is logged).
                if (failed is not null)
                    log.Warning("{Failure:l}", failure);
                cause = FileErrors.Describe(e);
                failure = $"Unable to append to xlog.db '{db.Path}' for server '{server.Name}': {FileErrors.Cause(e, [Path.GetDirectoryName(db.Path)!])} "
                    + $"(the {archived.Count} file(s) of this chunk were not archived and stay queued)";
                undone = await RollBackAsync(publication, db, xlogdb.Length, cancellationToken);
                failed ??= archived[0];
                withdrawn.UnionWith(archived);
                withdrawn.Add(failed);
                archived.Clear();
                sourceTouched = true;
            }
        }
        foreach (var item in archived.Where(i => i.Copied))
        {
            // The compressed (or copied) archive file is durable and recorded: the source can go.
            File.Delete(item.Source.Path);
            sourceTouched = true;
            CrashPoint.Hit("src-unlink");
        }
        if (sourceTouched)
            DurableFile.FsyncDirectory(SourceDirectory);
        if (errorsTouched)
            DurableFile.FsyncDirectory(server.ErrorsDirectory);

        foreach (var (item, report) in reached.Where(r => !withdrawn.Contains(r.Item)))
        {
            progress.Announce(item.Source);
            report?.Invoke();
        }

        var journaled = prepared || toArchive.Count > 0;
        // An upload that failed without an answer (connection lost, timeout, 5xx) may still have landed, and a
        // chunk that could not be undone is half archived: the journal stays for the next run's recovery,
        // which records what is there, whole.
        var unresolved = journaled && (!undone || publishing.Any(p => p.Item.Error is ObjectStoreException { IsTransient: true }));
        var keepJournal = journaled && archived.Count > 0 && postHooks && !unresolved;
        if (journaled && !keepJournal && !unresolved)
            RemoveJournal();
        return new CommitResult(archived, failed, failure, cause, keepJournal);
    }

    /// <summary>Step 7 for a chunk whose journal waited for its post hooks.</summary>
    public void Complete(CommitResult result)
    {
        if (result.JournalKept)
            RemoveJournal();
    }

    private void RemoveJournal()
    {
        ArchiveJournal.Delete(JournalPath);
        CrashPoint.Hit("journal-removed");
    }

    /// <summary>Removes the staged copies of these items (none for what was never staged, or moved as it is).</summary>
    private async Task DiscardStagedAsync(IEnumerable<ArchiveItem> items, CancellationToken cancellationToken)
    {
        foreach (var item in items.Where(i => i.Outcome is ArchiveOutcome.Archive or ArchiveOutcome.Failed))
            await storage.DiscardStagedAsync(item.Key, cancellationToken);
    }

    /// <summary>Barman's line for a file that could not be archived; a refusal names the directory that refused.</summary>
    private string ItemFailure(ArchiveItem item)
    {
        var archive = Path.GetDirectoryName(item.Destination);
        string[] directories = archive is null ? [SourceDirectory, server.ErrorsDirectory] : [archive, Path.GetDirectoryName(archive)!, SourceDirectory, server.ErrorsDirectory];
        var cause = item.Error is { } error ? FileErrors.Describe(error, directories) : FileErrors.Describe(null);
        return $"Unable to archive WAL file '{item.Source.Path}' for server '{server.Name}': {cause}";
    }

    private string JournalFailure(Exception e) =>
        $"Unable to write the archive journal '{JournalPath}' for server '{server.Name}': {FileErrors.Cause(e, [Path.GetDirectoryName(JournalPath)!])}";

    /// <summary>
    /// Undoes the publications of a chunk whose xlog.db append failed, and the append itself. False when
    /// that failed too: the chunk's journal must then stay, for the next run's recovery to complete it.
    /// </summary>
    private async Task<bool> RollBackAsync(IArchivePublication publication, XlogDb db, long xlogdbLength, CancellationToken cancellationToken)
    {
        try
        {
            await publication.WithdrawAsync(cancellationToken);
            DurableFile.FsyncDirectory(SourceDirectory);
            db.Truncate(xlogdbLength);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Error("Cannot undo the archiving of a chunk whose xlog.db append failed ({Cause:l}): the next archive-wal completes it from {Journal:l}",
                FileErrors.Describe(e), JournalPath);
            return false;
        }
    }
}
