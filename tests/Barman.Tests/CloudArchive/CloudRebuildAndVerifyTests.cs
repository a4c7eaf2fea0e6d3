using Barman.Core.Compression;
using Barman.Core.Storage;
using Barman.Core.Wal;
using Barman.Tests.Infrastructure;
using Barman.Tests.ObjectStore;
using Barman.Tests.Wal.Format;
using static Barman.Tests.ArchiveWal.ArchiveHarness;

namespace Barman.Tests.CloudArchive;

/// <summary>
/// rebuild-xlogdb and verify-wal on an archive on a real object store (s3rver, Azurite), over what
/// archive-wal uploaded in every compression and what barman-cloud-wal-archive uploaded beside it.
/// </summary>
public abstract class CloudRebuildAndVerifyTests(CloudTarget target)
{
    private const int SegmentSize = 1 << 20;

    [Fact]
    public async Task Rebuild_xlogdb_lists_every_object_with_its_size_time_and_compression()
    {
        await using var a = new CloudArchive(target);
        ulong segment = 1;
        foreach (var compression in new[] { "none", "gzip", "bzip2", "lz4", "zstd" })
        {
            await a.WriteConfigAsync(compression == "none" ? "" : $"compression = {compression}");
            a.Put(a.Incoming, Seg(1, segment), CloudArchive.Content(Seg(1, segment)));
            a.Put(a.Incoming, Seg(1, segment + 1), CloudArchive.Content(Seg(1, segment + 1)));
            var r = await a.RunAsync("archive-wal", "pg");
            Assert.True(r.ExitCode == 0, r.ToString());
            segment += 2;
        }
        a.Put(a.Incoming, "00000002.history", "1\t0/5000000\tno recovery target specified\n"u8.ToArray());
        a.Put(a.Incoming, Seg(1, 3) + ".00000028.backup", "START WAL LOCATION: 0/3000028\n"u8.ToArray());
        Assert.Equal(0, (await a.RunAsync("archive-wal", "pg")).ExitCode);
        var archived = File.ReadAllLines(a.Xlogdb);
        Assert.Equal(12, archived.Length);

        // what barman-cloud-wal-archive uploaded beside it (plain, gzip, bzip2, a history file)
        var upload = a.Dir.Combine("pg_wal");
        Directory.CreateDirectory(upload);
        foreach (var (name, flags) in new[] { (Seg(1, 0x20), Array.Empty<string>()), (Seg(1, 0x21), ["-z"]), (Seg(1, 0x22), ["-j"]), ("00000003.history", []) })
        {
            var content = name.EndsWith(".history", StringComparison.Ordinal) ? "2\t0/22000000\tno recovery target specified\n"u8.ToArray() : CloudArchive.Content(name);
            await BarmanCloud.RunAsync(BarmanCloud.Archive, a.Environment, [.. target.BarmanCloudOptions, .. flags, target.Url(a.PathInStore), "pg", BarmanCloud.WriteWal(upload, name, content)]);
        }
        // an object nobody should have put there is reported, not listed
        await a.Store.PutIfAbsentAsync(a.Prefix + "notes.txt", new MemoryStream("x"u8.ToArray()), default);
        await File.WriteAllTextAsync(a.Xlogdb, "garbage\n");

        var rebuild = await a.RunAsync("rebuild-xlogdb", "pg");

        Assert.True(rebuild.ExitCode == 0, rebuild.ToString());
        Assert.Equal("Rebuilding xlogdb for server pg\nDone rebuilding xlogdb for server pg (history: 2, backup_labels: 1, wal_file: 13)\n", rebuild.Out);
        Assert.Contains($"WARNING: unexpected file rebuilding the wal database: {target.Url(a.PathInStore)}/pg/wals/notes.txt\n", rebuild.Err, StringComparison.Ordinal);
        // each line: the name, the stored size and the time the listing gives, the compression by the content
        var listed = new Dictionary<string, Barman.Core.Storage.ObjectStore.ObjectInfo>();
        await foreach (var o in a.Store.ListAsync(a.Prefix, default))
            listed[o.Key] = o;
        var rebuilt = File.ReadAllLines(a.Xlogdb).Select(l => XlogDbEntry.TryParse(l)!).ToDictionary(e => e.Name);
        var expected = archived.Select(l => XlogDbEntry.TryParse(l)!).Concat(
        [
            new XlogDbEntry(Seg(1, 0x20), 0, 0, null),
            new XlogDbEntry(Seg(1, 0x21), 0, 0, "gzip"),
            new XlogDbEntry(Seg(1, 0x22), 0, 0, "bzip2"),
            new XlogDbEntry("00000003.history", 0, 0, null),
        ]).ToList();
        Assert.Equal(expected.Select(e => e.Name).Order(StringComparer.Ordinal), rebuilt.Keys.Order(StringComparer.Ordinal));
        foreach (var e in expected)
        {
            var line = rebuilt[e.Name];
            var stored = Assert.Single(listed.Values, o => ObjectLayout.Matches(o.Key, a.Prefix + CloudArchive.KeyOf(e.Name)));
            Assert.Equal((e.Compression, stored.Size, stored.LastModified.ToUnixTimeMilliseconds() / 1000.0), (line.Compression, line.Size, line.Time));
            if (e.Size > 0)
                Assert.Equal(e.Size, line.Size);
        }
    }

    [Theory]
    [InlineData("none")]
    [InlineData("zstd")]
    public async Task Verify_wal_proves_a_good_archive_and_names_a_corrupted_segment(string compression)
    {
        await using var a = await new CloudArchive(target).WriteConfigAsync(compression == "none" ? "" : $"compression = {compression}");
        var wal = new SyntheticWal(segmentSize: SegmentSize);
        wal.FillUntil(3 * (ulong)SegmentSize + (5 * 8192), 16);
        wal.Append(64);
        wal.Switch();
        Directory.CreateDirectory(a.Incoming);
        var names = wal.WriteTo(a.Incoming);
        Assert.Equal(3, names.Count);
        var archived = await a.RunAsync("archive-wal", "pg");
        Assert.True(archived.ExitCode == 0, archived.ToString());

        var r = await a.RunAsync("verify-wal", "pg");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.StartsWith($"Timeline 1: {names[0]} to {names[^1]}, 3 files, ", r.Out, StringComparison.Ordinal);
        Assert.EndsWith(": every byte proven\n", r.Out, StringComparison.Ordinal);
        Assert.Equal("", r.Err);

        // one byte of a record in the middle segment changes, the object keeps its compression
        var damaged = names[1];
        var key = CloudArchive.KeyOf(damaged, compression == "none" ? "" : ".zst");
        var bytes = await a.ContentAsync(key);
        bytes[SegmentSize / 2] ^= 0x41;
        await a.ReplaceAsync(key, compression == "none" ? bytes : Compress(bytes, "zstd"));

        r = await a.RunAsync("verify-wal", "pg");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains(damaged, r.Out, StringComparison.Ordinal);
        Assert.Contains("ERROR: verify-wal: the WAL archive of server pg is not proven", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_store_down_fails_rebuild_and_verify_with_one_error_and_keeps_xlogdb()
    {
        await using var a = await new CloudArchive(target).WriteConfigAsync();
        a.Put(a.Incoming, Seg(1, 1), CloudArchive.Content(Seg(1, 1)));
        Assert.Equal(0, (await a.RunAsync("archive-wal", "pg")).ExitCode);
        var before = File.ReadAllText(a.Xlogdb);
        await a.WriteConfigAsync("", new Uri($"http://127.0.0.1:{PgCluster.FreePort()}"));

        foreach (var verb in new[] { "rebuild-xlogdb", "verify-wal" })
        {
            var r = await a.RunAsync(verb, "pg");
            Assert.True(r.ExitCode != 0, r.ToString());
            var errors = r.Err.Split('\n').Where(l => l.StartsWith("ERROR:", StringComparison.Ordinal)).ToList();
            Assert.True(errors.Count == 1, $"{verb}: {r}");
            var error = errors[0];
            Assert.Contains(a.StoreName, error, StringComparison.Ordinal);
            Assert.Contains("connection refused", error, StringComparison.Ordinal);
            Assert.Equal(before, File.ReadAllText(a.Xlogdb));
        }
    }

    private static byte[] Compress(byte[] data, string compression)
    {
        using var output = new MemoryStream();
        using (var compressor = Compressors.Get(compression)!.Compress(output))
            compressor.Write(data);
        return output.ToArray();
    }
}

[Collection(S3rverCollection.Name)]
public sealed class S3RebuildAndVerifyTests(S3rverServer server) : CloudRebuildAndVerifyTests(new S3Target(server));

[Collection(AzuriteCollection.Name)]
public sealed class AzureRebuildAndVerifyTests(AzuriteServer server) : CloudRebuildAndVerifyTests(new AzureTarget(server));
