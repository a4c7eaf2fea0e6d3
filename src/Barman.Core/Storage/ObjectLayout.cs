using Barman.Core.Compression;

namespace Barman.Core.Storage;

/// <summary>
/// barman-cloud-wal-archive's object names under one server's prefix (<c>PATH/SERVER/wals/</c>):
/// <c>&lt;dir&gt;/&lt;name&gt;&lt;ext&gt;</c>, history files <c>&lt;name&gt;&lt;ext&gt;</c> at the
/// root; the compression is told by the extension only.
/// </summary>
internal static class ObjectLayout
{
    /// <summary>The extensions barman-cloud writes (none first: a plain file).</summary>
    public static IReadOnlyList<string> Extensions { get; } = ["", ".gz", ".bz2", ".lz4", ".zst", ".xz", ".snappy"];

    /// <summary>The extension barman-cloud gives a file of this format.</summary>
    public static string ExtensionOf(CompressionFormat? format) => format switch
    {
        null => "",
        CompressionFormat.Gzip => ".gz",
        CompressionFormat.Bzip2 => ".bz2",
        CompressionFormat.Lz4 => ".lz4",
        CompressionFormat.Zstd => ".zst",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    /// <summary>The format an extension names (null: plain); false for one whose format we do not read by name (<c>.xz</c>, <c>.snappy</c>).</summary>
    public static bool TryFormatOf(string extension, out CompressionFormat? format)
    {
        format = extension switch
        {
            ".gz" => CompressionFormat.Gzip,
            ".bz2" => CompressionFormat.Bzip2,
            ".lz4" => CompressionFormat.Lz4,
            ".zst" => CompressionFormat.Zstd,
            _ => null,
        };
        return format is not null || extension.Length == 0;
    }

    /// <summary>The object name of <paramref name="key"/> without its extension (the prefix of every candidate).</summary>
    public static string BaseName(string prefix, ArchiveKey key) =>
        prefix + (key.Directory.Length == 0 ? "" : key.Directory + "/") + key.Name;

    /// <summary>The WAL name of an object name relative to a directory (its extension removed), or null for something else.</summary>
    public static string? NameOf(string relative)
    {
        if (relative.Length == 0 || relative.Contains('/', StringComparison.Ordinal))
            return null;
        foreach (var ext in Extensions)
        {
            if (ext.Length > 0 && relative.Length > ext.Length && relative.EndsWith(ext, StringComparison.Ordinal))
                return relative[..^ext.Length];
        }
        return relative;
    }

    /// <summary>Whether <paramref name="objectKey"/> is <paramref name="baseName"/> with one of the known extensions.</summary>
    public static bool Matches(string objectKey, string baseName) =>
        objectKey.StartsWith(baseName, StringComparison.Ordinal)
        && Extensions.Contains(objectKey[baseName.Length..], StringComparer.Ordinal);
}
