using Barman.Core.Compression;

namespace Barman.Core.Storage;

/// <summary>
/// The original bytes of a file of the archive, on any storage: its stored bytes
/// (<see cref="IArchiveStorage.OpenReadAsync"/>) decompressed by their magic. The one place verify-wal
/// reads the archive through; get-wal's reader of archived WAL is to take its place when both are on main.
/// </summary>
internal static class ArchivedWal
{
    /// <summary>A stream of the original (uncompressed) bytes of <paramref name="key"/>; the caller disposes it.</summary>
    public static async Task<Stream> OpenOriginalAsync(IArchiveStorage storage, ArchiveKey key, CancellationToken cancellationToken) =>
        Compressors.OpenDecompressed(await storage.OpenReadAsync(key, cancellationToken));
}
