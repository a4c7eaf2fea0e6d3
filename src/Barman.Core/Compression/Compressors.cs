namespace Barman.Core.Compression;

/// <summary>Compressor lookup by configured name, and format identification by magic bytes.</summary>
internal static class Compressors
{
    /// <summary>Names accepted in <c>compression</c>: Barman's gzip/bzip2/pigz/pygzip/pybzip2 and our lz4/zstd.</summary>
    public static IReadOnlyList<string> Names { get; } = ["gzip", "bzip2", "lz4", "zstd", "pygzip", "pybzip2", "pigz"];

    /// <summary>The compressor for a configured name; null for null/empty (no compression).</summary>
    /// <exception cref="ArgumentException">an unknown name (e.g. <c>custom</c>, which we do not support).</exception>
    public static ICompressor? Get(string? name) => name switch
    {
        null or "" => null,
        "gzip" or "pygzip" or "pigz" => new GzipCompressor(name),
        "bzip2" or "pybzip2" => new Bzip2Compressor(name),
        "lz4" => new Lz4Compressor(),
        "zstd" => new ZstdCompressor(),
        _ => throw new ArgumentException($"Unknown compression '{name}'", nameof(name)),
    };

    /// <summary>The canonical compressor of a format (what magic-byte identification reports).</summary>
    public static ICompressor For(CompressionFormat format) => format switch
    {
        CompressionFormat.Gzip => new GzipCompressor(),
        CompressionFormat.Bzip2 => new Bzip2Compressor(),
        CompressionFormat.Lz4 => new Lz4Compressor(),
        CompressionFormat.Zstd => new ZstdCompressor(),
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    /// <summary>Bytes needed by <see cref="Identify(ReadOnlySpan{byte})"/>.</summary>
    public const int MagicLength = 4;

    /// <summary>The format whose magic starts <paramref name="header"/>, or null (uncompressed WAL never matches).</summary>
    public static CompressionFormat? Identify(ReadOnlySpan<byte> header)
    {
        if (header.StartsWith("BZh"u8))
            return CompressionFormat.Bzip2;
        if (header.StartsWith((ReadOnlySpan<byte>)[0x1f, 0x8b, 0x08]))
            return CompressionFormat.Gzip;
        if (header.StartsWith((ReadOnlySpan<byte>)[0x04, 0x22, 0x4d, 0x18]))
            return CompressionFormat.Lz4;
        if (header.StartsWith((ReadOnlySpan<byte>)[0x28, 0xb5, 0x2f, 0xfd]))
            return CompressionFormat.Zstd;
        return null;
    }

    /// <summary>Identifies the compression of a file from its first bytes (Barman's <c>identify_compression</c>).</summary>
    public static CompressionFormat? Identify(string path)
    {
        Span<byte> header = stackalloc byte[MagicLength];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
        var read = stream.ReadAtLeast(header, MagicLength, throwOnEndOfStream: false);
        return Identify(header[..read]);
    }

    /// <summary>Opens <paramref name="path"/> for reading its uncompressed content (decompressing by magic).</summary>
    public static Stream OpenDecompressed(string path) =>
        OpenDecompressed(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16));

    /// <summary>
    /// The uncompressed content of a seekable stream of stored bytes (decompressing by magic), which the
    /// returned stream owns: disposed with it, or at once when this fails.
    /// </summary>
    public static Stream OpenDecompressed(Stream stored)
    {
        try
        {
            Span<byte> header = stackalloc byte[MagicLength];
            var read = stored.ReadAtLeast(header, MagicLength, throwOnEndOfStream: false);
            stored.Position = 0;
            var format = Identify(header[..read]);
            return format is null ? stored : new OwningStream(For(format.Value).Decompress(stored), stored);
        }
        catch
        {
            stored.Dispose();
            throw;
        }
    }

    /// <summary>Decompresses <paramref name="path"/> (any known format, or plain) into <paramref name="destination"/>.</summary>
    public static async Task DecompressToAsync(string path, Stream destination, CancellationToken cancellationToken)
    {
        await using var source = OpenDecompressed(path);
        await source.CopyToAsync(destination, 1 << 20, cancellationToken);
    }
}
