using System.IO.Compression;
using Barman.Core.Compression;
using Barman.Core.Storage.ObjectStore;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.ObjectStore;

/// <summary>
/// The S3 driver and Debian's barman-cloud 3.4 on one s3rver bucket, both ways: the layout
/// barman-cloud-wal-archive writes (<c>PATH/SERVER/wals/&lt;TLI+log&gt;/&lt;name&gt;[.gz|.bz2]</c>,
/// history files straight under <c>wals/</c>) is what our listing sees, and what we write there
/// barman-cloud-wal-restore fetches.
/// </summary>
[Collection(S3rverCollection.Name)]
public sealed class BarmanCloudS3InteropTests(S3rverServer server) : IDisposable
{
    private readonly TempDir _dir = new("barman-cloud-s3");
    private readonly string _path = $"interop-{Guid.NewGuid():N}/deep";

    private string Url => $"s3://{S3rverServer.Bucket}/{_path}";

    private Dictionary<string, string> Environment => new()
    {
        ["AWS_ACCESS_KEY_ID"] = S3rverServer.AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = "interop-secret",
        ["AWS_DEFAULT_REGION"] = "us-east-1",
    };

    [Fact]
    public async Task What_barman_cloud_archives_is_listed_and_read_back_by_our_driver()
    {
        var plain = TestStreams.Bytes(300_000, 11);
        var gzipped = TestStreams.Bytes(300_000, 12);
        var bzipped = TestStreams.Bytes(300_000, 13);
        var history = "1\t0/3000000\tno recovery target specified\n"u8.ToArray();
        var args = new[] { "--endpoint-url", server.Endpoint.ToString(), Url, "pg" };
        await BarmanCloud.RunAsync(BarmanCloud.Archive, Environment, [.. args, BarmanCloud.WriteWal(_dir.Path, "000000010000000A000000FE", plain)]);
        await BarmanCloud.RunAsync(BarmanCloud.Archive, Environment, ["-z", .. args, BarmanCloud.WriteWal(_dir.Path, "000000010000000A000000FF", gzipped)]);
        await BarmanCloud.RunAsync(BarmanCloud.Archive, Environment, ["-j", .. args, BarmanCloud.WriteWal(_dir.Path, "000000010000000B00000000", bzipped)]);
        await BarmanCloud.RunAsync(BarmanCloud.Archive, Environment, [.. args, BarmanCloud.WriteWal(_dir.Path, "00000002.history", history)]);
        AwsTestProfiles.EnsureInstalled();
        await using var store = new S3ObjectStore(new S3StoreOptions { Bucket = S3rverServer.Bucket, Endpoint = server.Endpoint, Profile = AwsTestProfiles.Good });

        var listed = new List<ObjectInfo>();
        await foreach (var o in store.ListAsync(_path + "/", default))
            listed.Add(o);

        // in key order: the hash directories sort before the history file ('1' < '2')
        Assert.Equal(
            [
                $"{_path}/pg/wals/000000010000000A/000000010000000A000000FE",
                $"{_path}/pg/wals/000000010000000A/000000010000000A000000FF.gz",
                $"{_path}/pg/wals/000000010000000B/000000010000000B00000000.bz2",
                $"{_path}/pg/wals/00000002.history",
            ],
            listed.Select(o => o.Key));
        Assert.Equal(plain, await ReadAsync(store, listed[0].Key, null));
        Assert.Equal(gzipped, await ReadAsync(store, listed[1].Key, Compressors.Get("gzip")));
        Assert.Equal(bzipped, await ReadAsync(store, listed[2].Key, Compressors.Get("bzip2")));
        Assert.Equal(history, await ReadAsync(store, listed[3].Key, null));
        // one PUT each: the store vouches for the MD5 of what barman-cloud sent
        Assert.Equal(TestStreams.Md5(plain), listed[0].ContentMd5);
    }

    [Fact]
    public async Task What_our_driver_writes_in_barman_clouds_layout_barman_cloud_wal_restore_fetches()
    {
        AwsTestProfiles.EnsureInstalled();
        await using var store = new S3ObjectStore(new S3StoreOptions { Bucket = S3rverServer.Bucket, Endpoint = server.Endpoint, Profile = AwsTestProfiles.Good });
        var plain = TestStreams.Bytes(200_000, 14);
        var gzipped = TestStreams.Bytes(200_000, 15);
        var history = "1\t0/5000000\tno recovery target specified\n"u8.ToArray();
        await store.PutIfAbsentAsync($"{_path}/pg/wals/0000000100000003/000000010000000300000010", new MemoryStream(plain), default);
        await store.PutIfAbsentAsync($"{_path}/pg/wals/0000000100000003/000000010000000300000011.gz", Gzip(gzipped), default);
        await store.PutIfAbsentAsync($"{_path}/pg/wals/00000003.history", new MemoryStream(history), default);
        var args = new[] { "--endpoint-url", server.Endpoint.ToString(), Url, "pg" };

        await BarmanCloud.RunAsync(BarmanCloud.Restore, Environment, [.. args, "000000010000000300000010", _dir.Combine("p")]);
        await BarmanCloud.RunAsync(BarmanCloud.Restore, Environment, [.. args, "000000010000000300000011", _dir.Combine("g")]);
        await BarmanCloud.RunAsync(BarmanCloud.Restore, Environment, [.. args, "00000003.history", _dir.Combine("h")]);

        Assert.Equal(plain, await File.ReadAllBytesAsync(_dir.Combine("p")));
        Assert.Equal(gzipped, await File.ReadAllBytesAsync(_dir.Combine("g")));
        Assert.Equal(history, await File.ReadAllBytesAsync(_dir.Combine("h")));
    }

    public void Dispose() => _dir.Dispose();

    internal static MemoryStream Gzip(byte[] bytes)
    {
        var compressed = new MemoryStream();
        using (var gz = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            gz.Write(bytes);
        compressed.Position = 0;
        return compressed;
    }

    internal static async Task<byte[]> ReadAsync(IObjectStore store, string key, ICompressor? codec)
    {
        await using var body = await store.OpenReadAsync(key, default);
        if (codec is null)
            return await TestStreams.ReadAllAsync(body);
        await using var plain = codec.Decompress(body);
        return await TestStreams.ReadAllAsync(plain);
    }
}
