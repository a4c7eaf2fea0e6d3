namespace Barman.Core.Compression;

/// <summary>
/// One WAL compressor: a streaming Stream→Stream codec plus the name xlog.db records for it.
/// Archived files keep their WAL name; the format is found again by magic bytes.
/// </summary>
internal interface ICompressor
{
    /// <summary>The name written in xlog.db's compression column (<c>gzip</c>, <c>pygzip</c>, <c>zstd</c>...).</summary>
    string Name { get; }

    /// <summary>The on-disk format (several names share one: pygzip and pigz are gzip).</summary>
    CompressionFormat Format { get; }

    /// <summary>A stream that compresses what is written to it into <paramref name="output"/> (left open).</summary>
    Stream Compress(Stream output);

    /// <summary>A stream that reads <paramref name="input"/> decompressed (<paramref name="input"/> left open).</summary>
    Stream Decompress(Stream input);
}

internal enum CompressionFormat
{
    Gzip,
    Bzip2,
    Lz4,
    Zstd,
}
