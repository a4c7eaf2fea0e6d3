using Barman.Core.Configuration;
using Barman.Core.Storage;

namespace Barman.Core.Wal;

/// <summary>Where things live in a server's WAL archive (spec §3).</summary>
internal static class WalLayout
{
    /// <summary>Where a WAL file goes in the archive: its hash directory (the root for history files) and its name.</summary>
    /// <exception cref="ArgumentException">not a WAL archive name.</exception>
    public static ArchiveKey KeyOf(string name) => new(WalFileName.HashDirectory(name), name);

    public static string XlogdbLockPath(ServerConfig server) =>
        Os.LockFile.PathFor(server.LockDirectory, server.Name, Os.LockKind.Xlogdb);

    public static string ArchiveWalLockPath(ServerConfig server) =>
        Os.LockFile.PathFor(server.LockDirectory, server.Name, Os.LockKind.ArchiveWal);

    /// <summary>The intent journal of an archive-wal batch (ours): beside xlog.db, hidden.</summary>
    public static string JournalPath(ServerConfig server) =>
        Path.Combine(Path.GetDirectoryName(server.XlogdbFile)!, $".{server.Name}-archive.journal");

    /// <summary><c>errors/&lt;name&gt;.&lt;stamp&gt;.&lt;kind&gt;</c> (kind: duplicate, unknown).</summary>
    public static string ErrorPath(ServerConfig server, string name, string stamp, string kind) =>
        Path.Combine(server.ErrorsDirectory, $"{name}.{stamp}.{kind}");
}
