using Barman.Core.Compression;
using Barman.Core.Configuration;
using Barman.Core.Logging;
using Barman.Core.Os;
using Barman.Core.Output;
using Barman.Core.Storage;

namespace Barman.Core.Wal;

/// <summary>
/// <c>barman rebuild-xlogdb</c> (Barman's <c>BackupManager.rebuild_xlogdb</c>, spec §10): xlog.db made
/// again from what the archive holds, read through <see cref="IArchiveStorage"/> (any storage): the
/// hash directories (segments, backup labels, and the <c>.partial</c> files archive-wal keeps after a
/// timeline switch) and the history files of the root, in listing order, each file's size and mtime
/// from the listing and its compression as the storage tells it (magic bytes locally, the extension on
/// an object store: nothing is downloaded). The blocking xlogdb lock is held from
/// the first listing to the rename of the new file, so an archive-wal committing meanwhile waits and
/// its lines are never lost (Barman #328); the new file is written beside xlog.db, fsynced and renamed
/// over it, so a crash leaves the old file or the new one.
/// </summary>
internal static class XlogDbRebuild
{
    /// <summary>What one rebuild found (Barman's counts, plus the partial files it would have dropped).</summary>
    internal sealed record Counts(int History, int BackupLabels, int WalFiles, int Partials);

    /// <summary>Rebuilds the server's xlog.db; null (after an <c>ERROR:</c>, xlog.db untouched) when the archive or xlog.db cannot be read or written.</summary>
    public static async Task<Counts?> RunAsync(ServerConfig server, IOutput output, CancellationToken cancellationToken)
    {
        output.Info($"Rebuilding xlogdb for server {server.Name}");
        var storage = ArchiveStorage.For(server);
        Counts counts;
        try
        {
            using var db = await XlogDb.LockAsync(server, cancellationToken);
            var entries = new List<XlogDbEntry>();
            counts = await ScanAsync(server, storage, output, entries, cancellationToken);
            db.Replace(entries);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            BarmanLog.For("barman.backup").Error(e, "rebuild-xlogdb failed for server {Server:l}", server.Name);
            output.Error($"Unable to rebuild xlogdb for server {server.Name}: {FileErrors.Describe(e)}");
            return null;
        }
        if (counts.Partials > 0)
            output.Debug($"Kept {counts.Partials} partial file(s) in the xlogdb of server {server.Name}");
        output.Info($"Done rebuilding xlogdb for server {server.Name} (history: {counts.History}, backup_labels: {counts.BackupLabels}, wal_file: {counts.WalFiles})");
        return counts;
    }

    private static async Task<Counts> ScanAsync(ServerConfig server, IArchiveStorage storage, IOutput output, List<XlogDbEntry> entries, CancellationToken cancellationToken)
    {
        int history = 0, labels = 0, wals = 0, partials = 0;
        var own = OwnFiles(server);
        var rootObjects = (await storage.ListObjectsAsync("", cancellationToken)).ToDictionary(o => o.Key.Name, StringComparer.Ordinal);
        foreach (var entry in await storage.ListAsync("", cancellationToken))
        {
            if (entry.Name.StartsWith("xlog.db", StringComparison.Ordinal) || own.Contains(entry.Name))
                continue;
            if (!entry.IsDirectory)
            {
                if (!WalFileName.IsHistoryFile(entry.Name))
                    output.Warning($"unexpected file rebuilding the wal database: {storage.Locate(new ArchiveKey("", entry.Name))}");
                else if (await FindAsync(storage, rootObjects, new ArchiveKey("", entry.Name), cancellationToken) is { } historyFile)
                {
                    history++;
                    entries.Add(await EntryOfAsync(storage, historyFile, cancellationToken));
                }
                continue;
            }
            var objects = (await storage.ListObjectsAsync(entry.Name, cancellationToken)).ToDictionary(o => o.Key.Name, StringComparer.Ordinal);
            foreach (var file in await storage.ListAsync(entry.Name, cancellationToken))
            {
                var location = storage.Locate(new ArchiveKey(entry.Name, file.Name));
                if (file.IsDirectory)
                {
                    output.Warning($"unexpected directory rebuilding the wal database: {location}");
                    continue;
                }
                var kind = WalFileName.Classify(file.Name);
                if (kind == WalFileKind.Unknown && file.Name.EndsWith(".tmp", StringComparison.Ordinal))
                {
                    output.Warning($"temporary file found rebuilding the wal database: {location}");
                    continue;
                }
                if (kind is WalFileKind.Unknown or WalFileKind.History)
                {
                    output.Warning($"unexpected file rebuilding the wal database: {location}");
                    continue;
                }
                if (await FindAsync(storage, objects, new ArchiveKey(entry.Name, file.Name), cancellationToken) is not { } stored)
                    continue;
                switch (kind)
                {
                    case WalFileKind.Segment:
                        wals++;
                        break;
                    case WalFileKind.BackupLabel:
                        labels++;
                        break;
                    default:
                        partials++;
                        break;
                }
                entries.Add(await EntryOfAsync(storage, stored, cancellationToken));
            }
        }
        return new Counts(history, labels, wals, partials);
    }

    /// <summary>The object of a listed name: from the directory's object listing, else asked for (null: gone meanwhile).</summary>
    private static async ValueTask<StoredObject?> FindAsync(IArchiveStorage storage, Dictionary<string, StoredObject> listed, ArchiveKey key, CancellationToken cancellationToken) =>
        listed.TryGetValue(key.Name, out var stored) ? stored : await storage.StatAsync(key, cancellationToken);

    /// <summary>Our own files when xlog.db lives in the archive root: the archive journal and the rebuild's temporary file.</summary>
    private static HashSet<string> OwnFiles(ServerConfig server)
    {
        var journal = Path.GetFileName(WalLayout.JournalPath(server));
        var xlogdb = Path.GetFileName(server.XlogdbFile);
        return new HashSet<string>([xlogdb, xlogdb + ".rebuild", journal, journal + ".new"], StringComparer.Ordinal);
    }

    /// <summary>The xlog.db line of a stored file: its stored size and mtime, its compression as its storage tells it (<see cref="IArchiveStorage.StoredFormatAsync"/>).</summary>
    private static async Task<XlogDbEntry> EntryOfAsync(IArchiveStorage storage, StoredObject stored, CancellationToken cancellationToken)
    {
        var format = await storage.StoredFormatAsync(stored, cancellationToken);
        return new XlogDbEntry(stored.Key.Name, stored.Size, stored.Mtime, format is null ? null : Compressors.For(format.Value).Name);
    }
}
