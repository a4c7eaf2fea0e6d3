using Barman.Core.Compression;

namespace Barman.Core.Storage;

/// <summary>
/// The original bytes of a file of the archive, on any storage: its stored bytes
/// (<see cref="IArchiveStorage.OpenReadAsync"/>) decompressed by their magic: verify-wal's read, which
/// reports a short segment as a problem of its own. get-wal reads through <c>Wal.ArchivedWal</c>, which
/// refuses a truncated segment outright.
/// </summary>
internal static class OriginalBytes
{
    /// <summary>A stream of the original (uncompressed) bytes of <paramref name="key"/>; the caller disposes it.</summary>
    public static async Task<Stream> OpenOriginalAsync(IArchiveStorage storage, ArchiveKey key, CancellationToken cancellationToken) =>
        Compressors.OpenDecompressed(await storage.OpenReadAsync(key, cancellationToken));
}
