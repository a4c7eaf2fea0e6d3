using Barman.Core.Configuration;
using Barman.Core.Hooks;
using Barman.Core.Logging;
using Barman.Core.Os;
using Barman.Core.Storage;

namespace Barman.Core.Wal;

/// <summary>
/// Completes what an interrupted archive-wal left (ours; Barman can lose xlog.db lines, spec §18.5).
/// Runs at the start of every archiving pass, under the archive-wal lock and the xlogdb lock:
/// <list type="bullet">
/// <item>prepare journal: compression was under way, nothing was moved; stale <c>.tmp</c> files are removed.</item>
/// <item>commit journal: every listed file present in the archive was moved (renames and
/// temp-file renames are atomic: the storage decides, <see cref="IArchiveStorage"/>); its directories are fsynced again and xlog.db is made to list
/// each of them exactly once — an interrupted append of the chunk (xlog.db is the same file and what follows
/// the recorded length is that append) is cut off, then the names xlog.db lacks are appended. Files not moved stay queued.</item>
/// </list>
/// A source left beside its completed copy is a matching duplicate for the next pass (content compared, then removed).
/// With post hooks configured, a chunk's journal stays until its post hooks ran, so the recovery runs the post hooks
/// of the files it completed, after releasing the xlogdb lock: at least once, never lost (Barman loses them).
/// </summary>
internal static class ArchiveRecovery
{
    /// <summary>Repairs the server's archive if a journal is present; returns the number of files it completed.</summary>
    public static async Task<int> RecoverAsync(ServerConfig server, IArchiveStorage storage, CancellationToken cancellationToken, HookRetryPolicy? hookRetry = null)
    {
        var path = WalLayout.JournalPath(server);
        if (!File.Exists(path) && !File.Exists(path + ".new"))
            return 0;
        var log = BarmanLog.For("barman.wal_archiver");
        ArchiveJournal? journal;
        List<JournalEntry> completed;
        using (var db = await XlogDb.LockAsync(server, cancellationToken))
        {
            if (File.Exists(path + ".new"))
                File.Delete(path + ".new");
            if (!File.Exists(path))
                return 0;
            journal = ArchiveJournal.Read(path);
            if (journal is null)
            {
                log.Warning("Ignoring the unreadable archive journal {Path:l} of server {Server:l}", path, server.Name);
                ArchiveJournal.Delete(path);
                return 0;
            }
            completed = await CompleteAsync(journal, db, storage, log, cancellationToken);
        }

        if (completed.Count > 0 && ArchiveHooks.For(server, hookRetry ?? HookRetryPolicy.Barman) is { HasPostHooks: true } hooks)
        {
            foreach (var entry in completed)
            {
                await hooks.RunPostAsync(entry.Entry, entry.Destination, cancellationToken);
                CrashPoint.Hit("recovery-post-hooks");
            }
        }
        ArchiveJournal.Delete(path);
        log.Warning("Completed an interrupted archive-wal run for server {Server:l}: {Completed} of {Total} file(s) were archived, the others stay queued",
            server.Name, completed.Count, journal.Entries.Count);
        return completed.Count;
    }

    /// <summary>
    /// Under the xlogdb lock: removes the temporary files of what was not moved, fsyncs the directories
    /// of what was, and makes xlog.db list each moved file exactly once. Returns the moved entries.
    /// </summary>
    private static async Task<List<JournalEntry>> CompleteAsync(ArchiveJournal journal, XlogDb db, IArchiveStorage storage, Serilog.ILogger log, CancellationToken cancellationToken)
    {
        var completed = new List<JournalEntry>();
        foreach (var entry in journal.Entries)
        {
            var key = WalLayout.KeyOf(entry.Entry.Name);
            var stored = journal.Phase == ArchiveJournal.Commit ? await storage.StatAsync(key, cancellationToken) : null;
            if (stored is not null && stored.Size < entry.Entry.Size)
            {
                // Our own interrupted write (the key was free when the chunk was prepared, and only archive-wal
                // writes the archive, under its lock): a store that writes objects in place while receiving them
                // (s3rver does; renames, AWS S3 and Azure never do) kept the part it got. Never a final object: remove it.
                log.Warning("Removing the incomplete {Path:l} ({Size} of {Expected} bytes) left by an interrupted archive-wal", storage.Locate(key), stored.Size, entry.Entry.Size);
                await storage.RemoveAsync(key, cancellationToken);
                stored = null;
            }
            if (stored is not null)
                completed.Add(entry);
            else
                await storage.DiscardStagedAsync(key, cancellationToken);
        }
        if (journal.Phase != ArchiveJournal.Commit)
            return completed;

        // The renames happened but their directories may not have been fsynced.
        await storage.SyncAsync(completed.Select(e => WalLayout.KeyOf(e.Entry.Name)), cancellationToken);
        foreach (var directory in completed.Select(e => Path.GetDirectoryName(e.Source)!).Distinct(StringComparer.Ordinal))
        {
            if (Directory.Exists(directory))
                DurableFile.FsyncDirectory(directory);
        }
        // xlog.db is cut back only when what follows the recorded length is this chunk's own append
        // (torn or whole) — also when none of its files stayed archived (an append whose undoing was cut
        // short). A file rewritten since (rebuild-xlogdb), even one that got the recorded inode back, keeps
        // every line; either way a name xlog.db already lists is not added again.
        var (inode, length) = db.Identity();
        if (inode == journal.XlogdbInode && length >= journal.XlogdbLength && db.TailIsAppendOf(journal.XlogdbLength, journal.Entries.Select(e => e.Entry)))
        {
            db.Truncate(journal.XlogdbLength);
            CrashPoint.Hit("recovery-truncated");
        }
        if (completed.Count == 0)
            return completed;
        var present = db.ReadEntries().Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        db.Append(completed.Where(e => !present.Contains(e.Entry.Name)).Select(e => e.Entry));
        CrashPoint.Hit("recovery-appended");
        return completed;
    }
}
