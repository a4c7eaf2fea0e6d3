using Barman.Core.Compression;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.ArchiveWal;

public sealed class CompressionTests
{
    private static readonly byte[] Data = ArchiveHarness.Content(7, 3 * 1024 * 1024 + 123);

    [Theory]
    [MemberData(nameof(CompressionTools.NamesFormatsAndTools), MemberType = typeof(CompressionTools))]
    public async Task Round_trips_and_the_standard_tool_reads_our_output(string name, object formatValue, string tool)
    {
        var format = (CompressionFormat)formatValue;
        var compressor = Compressors.Get(name)!;
        Assert.Equal(name, compressor.Name);
        Assert.Equal(format, compressor.Format);
        using var dir = new TempDir();
        var path = dir.Combine("seg");
        await using (var file = File.Create(path))
        await using (var z = compressor.Compress(file))
            await z.WriteAsync(Data);
        Assert.True(new FileInfo(path).Length < Data.Length);
        Assert.Equal(format, Compressors.Identify(path));

        using var ms = new MemoryStream();
        await Compressors.DecompressToAsync(path, ms, Bounded.Token());
        Assert.Equal(Data, ms.ToArray());

        var (code, output, err) = await ArchiveHarness.Tool(tool, "-d", "-c", path);
        Assert.True(code == 0, err);
        Assert.Equal(Data, output);
    }

    [Theory]
    [MemberData(nameof(CompressionTools.ToolsAndFormats), MemberType = typeof(CompressionTools))]
    public async Task Reads_what_the_standard_tool_wrote(string tool, object formatValue)
    {
        var format = (CompressionFormat)formatValue;
        using var dir = new TempDir();
        var plain = dir.Combine("plain");
        await File.WriteAllBytesAsync(plain, Data);
        var (code, compressed, err) = await ArchiveHarness.Tool(tool, "-c", plain);
        Assert.True(code == 0, err);
        var path = dir.Combine("compressed");
        await File.WriteAllBytesAsync(path, compressed);
        Assert.Equal(format, Compressors.Identify(path));
        using var ms = new MemoryStream();
        await Compressors.DecompressToAsync(path, ms, Bounded.Token());
        Assert.Equal(Data, ms.ToArray());
    }

    [Fact]
    public void The_tool_table_covers_every_compression_name() =>
        Assert.Equal(Compressors.Names.Order(StringComparer.Ordinal), CompressionTools.All.Select(c => c.Name).Order(StringComparer.Ordinal));

    [Fact]
    public void Uncompressed_wal_and_history_are_not_mistaken_for_compressed()
    {
        Assert.Null(Compressors.Identify([0x10, 0xD1, 0x06, 0x00]));
        Assert.Null(Compressors.Identify("1\t0/10A242E8\tno recovery target specified\n"u8));
        Assert.Null(Compressors.Identify(ReadOnlySpan<byte>.Empty));
        Assert.Null(Compressors.Get(null));
        Assert.Throws<ArgumentException>(() => Compressors.Get("custom"));
    }
}
