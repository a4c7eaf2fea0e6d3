using Barman.Core.Configuration;
using Barman.Core.Storage;
using Barman.Core.Wal;

namespace Barman.Core.Transfer;

/// <summary>One place get-wal looks for a WAL file: a key of the archive, or a file of the local incoming/ or streaming/ queue.</summary>
internal readonly record struct WalLocation(ArchiveKey? Key, string? LocalPath)
{
    /// <summary>The file's name there (a <c>.partial</c> source keeps its suffix).</summary>
    public string Name => Key?.Name ?? Path.GetFileName(LocalPath!);
}

/// <summary>
/// Where a server's WAL files can be found, in Barman's search order (<c>Server.get_wal_possible_paths</c>),
/// and how they are opened: the archive only through <see cref="IArchiveStorage"/> (any storage), the
/// queues as local files.
/// </summary>
internal sealed class WalLocator(ServerConfig server, IArchiveStorage storage)
{
    /// <summary>
    /// The archive, incoming/, streaming/; with <paramref name="partial"/> also <c>streaming/&lt;wal&gt;.partial</c>,
    /// streaming/ again (pg_receivewal may have completed it meanwhile), the archived and the incoming
    /// <c>.partial</c> (the last segment of a timeline before a promotion); finally the archive again,
    /// where the archiver may have moved the file while it was looked for.
    /// </summary>
    public IReadOnlyList<WalLocation> SearchOrder(string wal, bool partial)
    {
        var archive = new WalLocation(WalLayout.KeyOf(wal), null);
        var incoming = new WalLocation(null, Path.Combine(server.IncomingWalsDirectory, wal));
        var streaming = new WalLocation(null, Path.Combine(server.StreamingWalsDirectory, wal));
        var order = new List<WalLocation> { archive, incoming, streaming };
        var partialName = wal + ".partial";
        if (partial && WalFileName.IsPartialFile(partialName))
        {
            order.Add(new WalLocation(null, streaming.LocalPath + ".partial"));
            order.Add(streaming);
            order.Add(new WalLocation(WalLayout.KeyOf(partialName), null));
            order.Add(new WalLocation(null, incoming.LocalPath + ".partial"));
        }
        order.Add(archive);
        return order;
    }

    /// <summary>Whether a file is there now.</summary>
    public async ValueTask<bool> ExistsAsync(WalLocation location, CancellationToken cancellationToken) =>
        location.Key is { } key ? await storage.StatAsync(key, cancellationToken) is not null : File.Exists(location.LocalPath);

    /// <summary>
    /// The file opened for reading (<see cref="ArchivedWal"/>), or null when it is not there or vanished
    /// between the look and the open (moved by the archiver: a later place of the search order has it).
    /// </summary>
    /// <exception cref="WalReadException">the file is there but cannot be read.</exception>
    public async ValueTask<ArchivedWal?> TryOpenAsync(WalLocation location, CancellationToken cancellationToken)
    {
        if (location.Key is { } key)
            return await ArchivedWal.TryOpenAsync(storage, key, cancellationToken);
        FileStream stored;
        try
        {
            stored = new FileStream(location.LocalPath!, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        return ArchivedWal.Open(stored);
    }

    /// <summary>The file's address for messages: its path, or the storage's name for the key.</summary>
    public string Describe(WalLocation location) => location.Key is { } key ? storage.Locate(key) : location.LocalPath!;
}
