using Barman.Core.Configuration;

namespace Barman.Core.Storage;

/// <summary>The storage of a server's WAL archive.</summary>
internal static class ArchiveStorage
{
    /// <summary>Today always the local <c>wals_directory</c>; an object store will be chosen here from the server's configuration.</summary>
    public static IArchiveStorage For(ServerConfig server) => new LocalArchiveStorage(server.WalsDirectory);
}
