using Barman.Core.Compression;
using Barman.Core.Os;
using Barman.Core.Wal;

namespace Barman.Core.Transfer;

/// <summary>
/// Turns a stored WAL file into what get-wal sends: the original bytes (<see cref="ArchivedWal"/>
/// decompresses whatever the archive holds), recompressed for <c>-z</c>/<c>-j</c> unless already in
/// that format (Barman sends such a file as stored), or the stored bytes for <c>--keep-compression</c>.
/// A plain local segment of the right length going to standard output is copied in the kernel
/// (<see cref="DescriptorStream.TryCopyFrom"/>): no byte passes through this process.
/// </summary>
internal static class WalDelivery
{
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
            await wal.CopyStoredToAsync(destination, cancellationToken);
            return;
        }
        if (target is null)
        {
            if (KernelCopyTarget(destination) is { } descriptor && wal.PlainSegmentFile() is { } segment && descriptor.TryCopyFrom(segment.File, segment.Length))
                return;
            await wal.CopyOriginalToAsync(destination, cancellationToken);
            return;
        }
        await using var compressor = Compressors.For(target.Value).Compress(destination);
        await wal.CopyOriginalToAsync(compressor, cancellationToken);
    }

    /// <summary>
    /// The descriptor a plain segment can be copied to in the kernel: standard output itself (a file
    /// that is rewound on failure), or behind a <see cref="HeldOutput"/> that holds nothing yet.
    /// </summary>
    private static DescriptorStream? KernelCopyTarget(Stream destination) => destination switch
    {
        DescriptorStream descriptor => descriptor,
        HeldOutput { Unheld: DescriptorStream descriptor } => descriptor,
        _ => null,
    };
}
