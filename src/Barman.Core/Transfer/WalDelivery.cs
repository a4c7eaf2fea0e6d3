using Barman.Core.Compression;
using Barman.Core.Wal;

namespace Barman.Core.Transfer;

/// <summary>
/// Turns a stored WAL file into what get-wal sends: the original bytes (<see cref="ArchivedWal"/>
/// decompresses whatever the archive holds), recompressed for <c>-z</c>/<c>-j</c> unless already in
/// that format (Barman sends such a file as stored), or the stored bytes for <c>--keep-compression</c>.
/// </summary>
internal static class WalDelivery
{
    private const int BufferSize = 1 << 20;

    /// <summary>Copies <paramref name="wal"/> into <paramref name="destination"/> in the requested form.</summary>
    /// <exception cref="WalReadException">the stored file cannot be read or decompressed.</exception>
    public static async Task SendAsync(ArchivedWal wal, OutputCompression form, Stream destination, CancellationToken cancellationToken)
    {
        var target = form switch
        {
            OutputCompression.Gzip => CompressionFormat.Gzip,
            OutputCompression.Bzip2 => CompressionFormat.Bzip2,
            _ => (CompressionFormat?)null,
        };
        // The stored bytes as they are; otherwise through the original bytes, which are checked.
        if (form == OutputCompression.Keep || (target is not null && target == wal.StoredFormat))
        {
            await using var stored = wal.OpenStored();
            await stored.CopyToAsync(destination, BufferSize, cancellationToken);
            return;
        }
        if (target is null)
        {
            await wal.CopyOriginalToAsync(destination, cancellationToken);
            return;
        }
        await using var compressor = Compressors.For(target.Value).Compress(destination);
        await wal.CopyOriginalToAsync(compressor, cancellationToken);
    }
}
