using Barman.Core.Configuration;

namespace Barman.Core.Wal;

/// <summary>Where things live in a server's WAL archive (spec §3).</summary>
internal static class WalLayout
{
    /// <summary><c>wals/&lt;hash dir&gt;/&lt;name&gt;</c>; history files in the wals root. Names never change with compression.</summary>
    public static string ArchivePath(ServerConfig server, string name) =>
        Path.Combine(server.WalsDirectory, WalFileName.HashDirectory(name), name);

    public static string ArchiveDirectory(ServerConfig server, string name)
    {
        var hash = WalFileName.HashDirectory(name);
        return hash.Length == 0 ? server.WalsDirectory : Path.Combine(server.WalsDirectory, hash);
    }

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
