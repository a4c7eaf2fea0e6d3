using Barman.Core.Storage;
using Barman.Core.Wal.Format;

namespace Barman.Core.Wal.Verify;

/// <summary>
/// The WAL files of an archive as its storage lists them (hash directories and the root, on any storage),
/// each with its key, and the files found where archive-wal would never have put them. verify-wal reads the
/// archive only through this and <see cref="ArchivedWal"/>, never through a path.
/// </summary>
internal sealed class ArchiveListing
{
    private readonly Dictionary<string, ArchiveKey> _files = new(StringComparer.Ordinal);
    private readonly List<WalProblem> _problems = [];

    private ArchiveListing()
    {
    }

    /// <summary>Every WAL file (segment, <c>.partial</c>, <c>.history</c>, <c>.backup</c>) by name.</summary>
    public IReadOnlyDictionary<string, ArchiveKey> Files => _files;

    /// <summary>Files under a key that is not theirs (a segment in another hash directory, a history file in one).</summary>
    public IReadOnlyList<WalProblem> Problems => _problems;

    public static async Task<ArchiveListing> ReadAsync(IArchiveStorage storage, CancellationToken cancellationToken)
    {
        var listing = new ArchiveListing();
        foreach (var entry in await storage.ListAsync("", cancellationToken))
        {
            if (!entry.IsDirectory)
            {
                listing.Add(new ArchiveKey("", entry.Name));
                continue;
            }
            if (entry.Name.Length != 16 || !entry.Name.All(Uri.IsHexDigit))
                continue;
            foreach (var stored in await storage.ListObjectsAsync(entry.Name, cancellationToken))
                listing.Add(stored.Key);
        }
        return listing;
    }

    /// <summary>The engine's view of the archive: the names, each read decompressed from the storage.</summary>
    public WalReadSource Source(IArchiveStorage storage) =>
        new(_files.Keys.ToList(), (name, cancellationToken) => ArchivedWal.OpenForWalkAsync(storage, _files[name], cancellationToken));

    private void Add(ArchiveKey key)
    {
        if (!WalFileName.IsAnyXlogFile(key.Name))
            return; // xlog.db, the archive journal, staged copies: not WAL
        if (WalLayout.KeyOf(key.Name) != key)
        {
            _problems.Add(new WalProblem(key.Name, null, WalProblemKind.File,
                $"stored in '{(key.Directory.Length == 0 ? "the archive root" : key.Directory)}', where no WAL reader looks for it"));
            return;
        }
        _files.TryAdd(key.Name, key);
    }
}
