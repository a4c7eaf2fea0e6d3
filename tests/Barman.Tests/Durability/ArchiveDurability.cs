using Barman.Core.Configuration;
using Barman.Core.Wal;

namespace Barman.Tests.Durability;

/// <summary>
/// archive-wal's durability order, checked on whatever a trace shows it did (any compression, any
/// queue, any chunking, hooks or not): every publication of an archive file, every version of the
/// intent journal, every move to errors/, and what an interrupted run's recovery must redo.
/// </summary>
internal static class ArchiveDurability
{
    /// <summary>A post hook whose command contains this word is recognised in the trace (its execve).</summary>
    public const string PostHookMarker = "post-archive-hook";

    /// <summary>
    /// Checks every file archive-wal published in the trace: its data and name durable before xlog.db
    /// lists it, its source goes, the journal goes or a post hook sees it; xlog.db listing it before its
    /// source goes and fsynced before that (a new xlog.db's name too); the source's removal durable before the journal goes;
    /// each journal durable before the temporary files or publications it protects, its removal durable;
    /// both directories of a move to errors/. Returns the publications (renames into the archive).
    /// </summary>
    public static IReadOnlyList<FsEvent> Check(SyscallTrace trace, ServerConfig server)
    {
        var rules = new DurabilityRules(trace);
        var journal = WalLayout.JournalPath(server);
        var xlogdb = server.XlogdbFile;
        var wals = server.WalsDirectory;
        string[] queues = [server.StreamingWalsDirectory, server.IncomingWalsDirectory];
        bool InQueue(string path) => queues.Contains(Dir(path));
        bool IsArchived(string path) => (Dir(path) == wals || Dir(Dir(path)) == wals) && WalFileName.IsAnyXlogFile(Path.GetFileName(path));
        bool IsSourceUnlink(FsEvent e) => e.Call == FsCall.Unlink && InQueue(e.Path);
        bool IsJournalUnlink(FsEvent e) => e.Call == FsCall.Unlink && e.Path == journal;

        var publications = trace.Events.Where(e => e.Call is FsCall.Rename or FsCall.Link && IsArchived(e.Target!)).ToList();
        foreach (var published in publications)
        {
            var name = Path.GetFileName(published.Target!);
            var append = trace.Next(e => e.Call == FsCall.Write && e.Path == xlogdb, published.Index);
            var sourceUnlink = trace.Next(e => IsSourceUnlink(e) && Path.GetFileName(e.Path) == name, published.Index);
            var journalGone = trace.Next(IsJournalUnlink, published.Index);
            var postHook = NextPostHook(trace, published.Index);
            rules.Published(published, append, sourceUnlink, journalGone, postHook);
            rules.Ordered(append, sourceUnlink, $"xlog.db lists {name} before its source goes");
            if (InQueue(published.Path))
                rules.DirectorySynced(Dir(published.Path), published.Index, journalGone);
            if (sourceUnlink is not null)
                rules.RemovalSynced(sourceUnlink, journalGone);
        }
        rules.WritesSynced(xlogdb, [.. trace.Events.Where(e => IsSourceUnlink(e) || IsJournalUnlink(e) || IsPostHook(e))]);
        if (trace.Next(e => e.Call == FsCall.Create && e.Path == xlogdb) is { } created)
            rules.NameSynced(created, trace.Next(e => IsSourceUnlink(e) || IsJournalUnlink(e), created.Index));

        foreach (var written in trace.Events.Where(e => e.Call == FsCall.Rename && e.Target == journal))
        {
            // prepare: before the first temporary copy; commit: before the first publication
            var protectedStep = trace.Next(e => (e.Call == FsCall.Create && e.Path.EndsWith(".tmp", StringComparison.Ordinal) && IsArchived(e.Path[..^4])) || publications.Contains(e), written.Index);
            rules.Published(written, protectedStep);
        }
        foreach (var removed in trace.Events.Where(IsJournalUnlink))
            rules.RemovalSynced(removed);

        foreach (var moved in trace.Events.Where(e => e.Call == FsCall.Rename && Dir(e.Target!) == server.ErrorsDirectory))
        {
            rules.NameSynced(moved);
            rules.DirectorySynced(Dir(moved.Path), moved.Index);
        }
        return publications;
    }

    /// <summary>
    /// The recovery of an interrupted run, given the journal it found: the archive directories of the
    /// files the crashed run had moved are fsynced before xlog.db changes, before a leftover source of
    /// theirs goes and before the journal goes; the queues too; xlog.db is fsynced after its truncation
    /// and append, before the journal goes and before any post hook runs. Returns the files it had to complete.
    /// </summary>
    public static IReadOnlyList<JournalEntry> CheckRecovery(SyscallTrace trace, ServerConfig server, ArchiveJournal journal, IReadOnlySet<string> moved)
    {
        var rules = new DurabilityRules(trace);
        var xlogdb = server.XlogdbFile;
        var journalGone = trace.Next(e => e.Call == FsCall.Unlink && e.Path == WalLayout.JournalPath(server))
            ?? throw new DurabilityViolation($"the recovery never removes the journal:\n{trace}");
        var xlogdbChange = trace.Next(e => e.Call is FsCall.Write or FsCall.Truncate && e.Path == xlogdb);
        var completed = journal.Entries.Where(e => moved.Contains(e.Destination)).ToList();
        foreach (var entry in completed)
        {
            var leftoverUnlink = trace.Next(e => e.Call == FsCall.Unlink && e.Path == entry.Source);
            rules.DirectorySynced(Dir(entry.Destination), -1, xlogdbChange, leftoverUnlink, journalGone);
            rules.DirectorySynced(Dir(entry.Source), -1, journalGone);
        }
        rules.WritesSynced(xlogdb, [journalGone, .. trace.Events.Where(IsPostHook)]);
        rules.RemovalSynced(journalGone);
        return completed;
    }

    private static bool IsPostHook(FsEvent e) => e.Call == FsCall.Exec && e.Text.Contains(PostHookMarker, StringComparison.Ordinal);

    private static FsEvent? NextPostHook(SyscallTrace trace, int after) => trace.Next(IsPostHook, after);

    private static string Dir(string path) => Path.GetDirectoryName(path)!;
}
