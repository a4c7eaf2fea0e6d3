using Barman.Core.Configuration;
using Barman.Core.Os;
using Barman.Core.Output;
using Barman.Core.Storage;
using Barman.Core.Storage.ObjectStore;
using Serilog;

namespace Barman.Core.Wal;

/// <summary>What a chunk's commit did: the files it archived, the one that stopped it, whether its journal waits for the post hooks.</summary>
internal sealed record CommitResult(IReadOnlyList<ArchiveItem> Archived, ArchiveItem? Failed, bool JournalKept);

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
/// <item>One xlog.db append of the chunk's lines, fsynced. If it fails, the publications are undone
/// (sources renamed back, copies removed, directories fsynced), the source directory fsynced and
/// xlog.db truncated back.</item>
/// <item>Only then the sources of copies are unlinked; then the source directory is fsynced, and
/// errors/ when something went there; stale temporary copies are removed.</item>
/// <item>The journal is removed (and its directory fsynced) last — after the post hooks when some are
/// configured and files were archived (<see cref="Complete"/>), so that a crash runs them again; never
/// when an upload failed without an answer (it may have landed: the next run's recovery decides).</item>
/// </list>
/// The storage does the archive side of steps 3 to 5 (<see cref="IArchivePublication"/>); xlog.db,
/// the journal, the sources and errors/ are local files whatever the storage.
/// </summary>
internal sealed class ArchiveCommit(ServerConfig server, IOutput output, IArchiveStorage storage, WalSourceKind kind, ErrorsDirectory errors, bool postHooks, ILogger log)
{
    private string JournalPath => WalLayout.JournalPath(server);
    private string SourceDirectory => kind.Directory(server);

    /// <summary>Step 1: lists the chunk in a <c>prepare</c> journal before temporary copies may be created (only needed when compressing).</summary>
    public void BeginPreparation(IReadOnlyList<ArchiveItem> items)
    {
        new ArchiveJournal(ArchiveJournal.Prepare, 0, 0, [.. items.Select(i => i.JournalEntry)]).Write(JournalPath);
        CrashPoint.Hit("prepare-journal");
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
        (long Inode, long Length) xlogdb = (0, 0);
        if (toArchive.Count > 0)
        {
            db.EnsureExists();
            xlogdb = db.Identity();
            new ArchiveJournal(ArchiveJournal.Commit, xlogdb.Inode, xlogdb.Length, [.. toArchive.Select(i => i.JournalEntry)]).Write(JournalPath);
            CrashPoint.Hit("commit-journal");
        }

        var publication = storage.BeginPublication();
        var archived = new List<ArchiveItem>();
        var publishing = new List<(ArchiveItem Item, Task<bool> Published)>();
        var sourceTouched = false;
        var errorsTouched = false;
        ArchiveItem? failed = null;
        foreach (var item in items)
        {
            progress.Announce(item.Source);
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
                        output.Info($"\tError: {item.Source.Name} is already present in server {server.Name}. File moved to errors directory.");
                        errors.MoveDuplicate(item.Source, progress.Stamp);
                        sourceTouched = errorsTouched = true;
                        CrashPoint.Hit("duplicate");
                        break;
                    case ArchiveOutcome.Corrupt:
                        output.Info($"\tError: {item.Source.Name} is not WAL of server {server.Name}: {item.Refusal}. File moved to errors directory.");
                        var kept = errors.MoveCorrupt(item.Source, progress.Stamp);
                        output.Error($"{item.Source.Name} refused by archive-wal of server {server.Name}: {item.Refusal} (kept as {kept})");
                        sourceTouched = errorsTouched = true;
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
        failed = items.FirstOrDefault(i => i.Outcome == ArchiveOutcome.Failed);

        await publication.FlushAsync(cancellationToken);
        CrashPoint.Hit("dst-fsync");

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
                await RollBackAsync(publication, db, xlogdb.Length, cancellationToken);
                failed ??= archived[0];
                failed.Error = e;
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
        foreach (var item in items.Where(i => i.Outcome is ArchiveOutcome.Archive or ArchiveOutcome.Failed && !archived.Contains(i)))
            await storage.DiscardStagedAsync(item.Key, cancellationToken);

        var journaled = prepared || toArchive.Count > 0;
        // An upload that failed without an answer (connection lost, timeout, 5xx) may still have landed:
        // the journal stays for the next run's recovery, which records it if it is there, whole.
        var unresolved = journaled && publishing.Any(p => p.Item.Error is ObjectStoreException { IsTransient: true });
        var keepJournal = journaled && archived.Count > 0 && postHooks && !unresolved;
        if (journaled && !keepJournal && !unresolved)
            RemoveJournal();
        return new CommitResult(archived, failed, keepJournal);
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

    /// <summary>Undoes the publications of a chunk whose xlog.db append failed, and the append itself.</summary>
    private async Task RollBackAsync(IArchivePublication publication, XlogDb db, long xlogdbLength, CancellationToken cancellationToken)
    {
        await publication.WithdrawAsync(cancellationToken);
        DurableFile.FsyncDirectory(SourceDirectory);
        try
        {
            db.Truncate(xlogdbLength);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Error("Cannot truncate {Path:l} back to {Length} bytes: {Message:l}", db.Path, xlogdbLength, e.Message);
        }
    }
}
