using System.IO.Compression;

namespace Barman.Core.Compression;

/// <summary>
/// gzip (RFC 1952) with .NET's zlib-ng. Level 3 was measured on real pgbench WAL segments: ~100 MB/s
/// per core with output 3 % SMALLER than <c>gzip -6</c> (level 1 is faster but 27 % larger; level 6
/// reaches only ~60 MB/s). See docs/performance.md.
/// </summary>
internal sealed class GzipCompressor(string name = "gzip") : ICompressor
{
    public const int Level = 3;

    public string Name => name;
    public CompressionFormat Format => CompressionFormat.Gzip;

    public Stream Compress(Stream output) =>
        new GZipStream(output, new ZLibCompressionOptions { CompressionLevel = Level }, leaveOpen: true);

    // .NET reads concatenated gzip members too (pigz, gzip of split files).
    public Stream Decompress(Stream input) => new GZipStream(input, CompressionMode.Decompress, leaveOpen: true);
}
