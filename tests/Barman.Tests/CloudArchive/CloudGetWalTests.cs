using Barman.Core.Compression;
using Barman.Tests.Infrastructure;
using Barman.Tests.ObjectStore;
using static Barman.Tests.ArchiveWal.ArchiveHarness;

namespace Barman.Tests.CloudArchive;

/// <summary>
/// get-wal on an archive on a real object store (s3rver, Azurite): every compression to stdout and
/// <c>-o</c>, <c>-z</c>/<c>-j</c>/<c>--keep-compression</c>, <c>--peek</c>, <c>-P</c> serving the local
/// <c>.partial</c>, a missing WAL, what barman-cloud-wal-archive uploaded, and the store down.
/// </summary>
public abstract class CloudGetWalTests(CloudTarget target)
{
    private const int SegmentSize = 1 << 20;

    [Theory]
    [InlineData("none", "")]
    [InlineData("gzip", ".gz")]
    [InlineData("bzip2", ".bz2")]
    [InlineData("lz4", ".lz4")]
    [InlineData("zstd", ".zst")]
    public async Task Serves_the_original_bytes_of_every_compression_in_every_output_form(string compression, string extension)
    {
        await using var a = await new CloudArchive(target).WriteConfigAsync(compression == "none" ? "" : $"compression = {compression}");
        var wal = Seg(1, 3);
        var original = WholeSegment(wal, 31, SegmentSize);
        a.Put(a.Incoming, wal, original);
        var archived = await a.RunAsync("archive-wal", "pg");
        Assert.True(archived.ExitCode == 0, archived.ToString());
        var stored = await a.StoredAsync(CloudArchive.KeyOf(wal, extension));

        var r = await a.RunBinaryAsync("get-wal", "pg", wal);
        Assert.True(r.ExitCode == 0 && r.Err == "", r.ToString());
        Assert.Equal(original, r.Out);

        foreach (var (flag, format) in new[] { ("-z", CompressionFormat.Gzip), ("-j", CompressionFormat.Bzip2) })
        {
            r = await a.RunBinaryAsync("get-wal", flag, "pg", wal);
            Assert.True(r.ExitCode == 0 && r.Err == "", r.ToString());
            Assert.Equal(format, Compressors.Identify(r.Out.AsSpan(0, Compressors.MagicLength)));
            Assert.Equal(original, Decompress(r.Out));
        }

        r = await a.RunBinaryAsync("get-wal", "--keep-compression", "pg", wal);
        Assert.True(r.ExitCode == 0 && r.Err == "", r.ToString());
        Assert.Equal(stored, r.Out);

        var dir = a.Dir.Combine("restore");
        Directory.CreateDirectory(dir);
        r = await a.RunBinaryAsync("get-wal", "-o", dir, "pg", wal);
        Assert.True(r.ExitCode == 0 && r.Err == "", r.ToString());
        Assert.Equal($"Sending WAL '{wal}' for server 'pg' into '{dir}/{wal}' file\n", r.Text);
        Assert.Equal(original, File.ReadAllBytes(Path.Combine(dir, wal)));
        Assert.Equal([wal], CloudArchive.Names(dir));
        // downloads leave nothing behind
        Assert.Empty(CloudArchive.Names(a.Dir.Combine("pg", ".pg-staging")));
    }

    [Fact]
    public async Task Peek_partial_history_and_a_missing_wal()
    {
        await using var a = await new CloudArchive(target).WriteConfigAsync("compression = zstd");
        string[] names = [Seg(1, 0xFE), Seg(1, 0xFF), Seg(1, 0x100), Seg(1, 0x101), Seg(1, 0x103)];
        // 16 MiB segments (the names cross a log boundary), only their first bytes: peek reads names only
        foreach (var name in names)
            a.Put(a.Incoming, name, CloudArchive.Content(name));
        var history = File.ReadAllBytes(a.Put(a.Incoming, "00000002.history", "1\t0/5000000\tno recovery target specified\n"u8.ToArray()));
        var archived = await a.RunAsync("archive-wal", "pg");
        Assert.True(archived.ExitCode == 0, archived.ToString());

        var r = await a.RunBinaryAsync("get-wal", "--peek", "10", "pg", names[0]);
        Assert.True(r.ExitCode == 0 && r.Err == "", r.ToString());
        Assert.Equal(string.Concat(names[..4].Select(n => n + "\n")), r.Text);
        r = await a.RunBinaryAsync("get-wal", "--peek", "2", "pg", names[0]);
        Assert.Equal($"{names[0]}\n{names[1]}\n", r.Text);

        r = await a.RunBinaryAsync("get-wal", "pg", "00000002.history");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(history, r.Out);

        // the segment pg_receivewal is writing stays local: served with -P only, under the requested name
        var partial = Seg(1, 0x104);
        var partialContent = WholeSegment(partial, 9, SegmentSize);
        a.Put(a.Streaming, partial + ".partial", partialContent);
        r = await a.RunBinaryAsync("get-wal", "pg", partial);
        Assert.Equal(1, r.ExitCode);
        Assert.Empty(r.Out);
        Assert.Equal($"ERROR: WAL file '{partial}' not found in server 'pg'\n", r.Err);
        r = await a.RunBinaryAsync("get-wal", "-P", "pg", partial);
        Assert.True(r.ExitCode == 0 && r.Err == "", r.ToString());
        Assert.Equal(partialContent, r.Out);

        var missing = Seg(1, 0x102);
        r = await a.RunBinaryAsync("get-wal", "pg", missing);
        Assert.Equal(1, r.ExitCode);
        Assert.Empty(r.Out);
        Assert.Equal($"ERROR: WAL file '{missing}' not found in server 'pg'\n", r.Err);
        var dir = a.Dir.Combine("restore");
        Directory.CreateDirectory(dir);
        r = await a.RunBinaryAsync("get-wal", "-o", dir, "pg", missing);
        Assert.Equal(1, r.ExitCode);
        Assert.Empty(CloudArchive.Names(dir));
    }

    [Fact]
    public async Task Serves_what_barman_cloud_wal_archive_uploaded()
    {
        await using var a = await new CloudArchive(target).WriteConfigAsync();
        var upload = a.Dir.Combine("pg_wal");
        Directory.CreateDirectory(upload);
        var files = new Dictionary<string, (string[] Flags, byte[] Content)>
        {
            [Seg(1, 0x10)] = ([], WholeSegment(Seg(1, 0x10), 1, SegmentSize)),
            [Seg(1, 0x11)] = (["-z"], WholeSegment(Seg(1, 0x11), 2, SegmentSize)),
            [Seg(1, 0x12)] = (["-j"], WholeSegment(Seg(1, 0x12), 3, SegmentSize)),
            ["00000002.history"] = ([], "1\t0/12000000\tno recovery target specified\n"u8.ToArray()),
        };
        foreach (var (name, (flags, content)) in files)
            await BarmanCloud.RunAsync(BarmanCloud.Archive, a.Environment, [.. target.BarmanCloudOptions, .. flags, target.Url(a.PathInStore), "pg", BarmanCloud.WriteWal(upload, name, content)]);
        Assert.Contains(CloudArchive.KeyOf(Seg(1, 0x12), ".bz2"), await a.ObjectsAsync());

        foreach (var (name, (_, content)) in files)
        {
            var r = await a.RunBinaryAsync("get-wal", "pg", name);
            Assert.True(r.ExitCode == 0 && r.Err == "", $"{name}: {r}");
            Assert.Equal(content, r.Out);
        }
        var peek = await a.RunBinaryAsync("get-wal", "--peek", "5", "pg", Seg(1, 0x10));
        Assert.Equal($"{Seg(1, 0x10)}\n{Seg(1, 0x11)}\n{Seg(1, 0x12)}\n", peek.Text);
    }

    [Fact]
    public async Task The_store_down_gives_one_error_naming_it_and_nothing_on_stdout()
    {
        await using var a = await new CloudArchive(target).WriteConfigAsync("compression = gzip");
        var wal = Seg(1, 1);
        a.Put(a.Incoming, wal, WholeSegment(wal, 1, SegmentSize));
        Assert.Equal(0, (await a.RunAsync("archive-wal", "pg")).ExitCode);
        var dir = a.Dir.Combine("restore");
        Directory.CreateDirectory(dir);

        await target.Server.StopAsync();
        try
        {
            foreach (var args in new[] { new[] { "get-wal", "pg", wal }, ["get-wal", "-o", dir, "pg", wal], ["get-wal", "-P", "pg", wal], ["get-wal", "--peek", "3", "pg", wal] })
            {
                var r = await a.RunBinaryAsync(args);
                var what = $"{string.Join(' ', args)}: {r}";
                Assert.True(r.ExitCode != 0, what);
                Assert.Empty(r.Out);
                var error = Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
                Assert.StartsWith("ERROR: ", error, StringComparison.Ordinal);
                Assert.Contains(target.StoreName, error, StringComparison.Ordinal);
                Assert.Contains("connection refused", error, StringComparison.Ordinal);
            }
            Assert.Empty(CloudArchive.Names(dir));
        }
        finally
        {
            await target.Server.StartAsync();
        }

        // a port nobody listens on: the same
        await a.WriteConfigAsync("compression = gzip", new Uri($"http://127.0.0.1:{PgCluster.FreePort()}"));
        var closed = await a.RunBinaryAsync("get-wal", "pg", wal);
        Assert.True(closed.ExitCode != 0, closed.ToString());
        Assert.Empty(closed.Out);
        var line = Assert.Single(closed.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"ERROR: ", line, StringComparison.Ordinal);
        Assert.Contains(a.StoreName, line, StringComparison.Ordinal);
        Assert.Contains("connection refused", line, StringComparison.Ordinal);
    }

    private static byte[] Decompress(byte[] data)
    {
        using var plain = Compressors.OpenDecompressed(new MemoryStream(data));
        using var ms = new MemoryStream();
        plain.CopyTo(ms);
        return ms.ToArray();
    }
}

[Collection(S3rverCollection.Name)]
public sealed class S3GetWalTests(S3rverServer server) : CloudGetWalTests(new S3Target(server));

[Collection(AzuriteCollection.Name)]
public sealed class AzureGetWalTests(AzuriteServer server) : CloudGetWalTests(new AzureTarget(server));
