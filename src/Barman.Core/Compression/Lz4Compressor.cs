using K4os.Compression.LZ4;
using K4os.Compression.LZ4.Streams;

namespace Barman.Core.Compression;

/// <summary>LZ4 frame format (readable by <c>lz4 -d</c>), fast level, with a content checksum like the lz4 tool.</summary>
internal sealed class Lz4Compressor : ICompressor
{
    public string Name => "lz4";
    public CompressionFormat Format => CompressionFormat.Lz4;

    public Stream Compress(Stream output) =>
        LZ4Stream.Encode(output, new LZ4EncoderSettings { CompressionLevel = LZ4Level.L00_FAST, ContentChecksum = true, BlockSize = 256 * 1024 }, leaveOpen: true);

    public Stream Decompress(Stream input) => LZ4Stream.Decode(input, leaveOpen: true);
}
