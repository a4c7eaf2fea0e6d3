using Barman.Core.Compression;

namespace Barman.Tests.ArchiveWal;

/// <summary>
/// Every <c>compression</c> name, its format and the standard tool that reads it: the one table
/// behind every test that checks archived files with the real tools.
/// </summary>
public static class CompressionTools
{
    internal static readonly (string Name, CompressionFormat Format, string Tool)[] All =
    [
        ("gzip", CompressionFormat.Gzip, "/usr/bin/gzip"),
        ("pygzip", CompressionFormat.Gzip, "/usr/bin/gzip"),
        ("pigz", CompressionFormat.Gzip, "/usr/bin/gzip"),
        ("bzip2", CompressionFormat.Bzip2, "/usr/bin/bzip2"),
        ("pybzip2", CompressionFormat.Bzip2, "/usr/bin/bzip2"),
        ("lz4", CompressionFormat.Lz4, "/usr/bin/lz4"),
        ("zstd", CompressionFormat.Zstd, "/usr/bin/zstd"),
    ];

    /// <summary>Name, format (boxed: the type is internal) and tool of every compressor.</summary>
    public static TheoryData<string, object, string> NamesFormatsAndTools()
    {
        var data = new TheoryData<string, object, string>();
        foreach (var (name, format, tool) in All)
            data.Add(name, format, tool);
        return data;
    }

    /// <summary>Name and tool of every compressor.</summary>
    public static TheoryData<string, string> NamesAndTools()
    {
        var data = new TheoryData<string, string>();
        foreach (var (name, _, tool) in All)
            data.Add(name, tool);
        return data;
    }

    /// <summary>Each tool once, with the format it writes.</summary>
    public static TheoryData<string, object> ToolsAndFormats()
    {
        var data = new TheoryData<string, object>();
        foreach (var (_, format, tool) in All.DistinctBy(c => c.Tool))
            data.Add(tool, format);
        return data;
    }
}
