using Azure.Storage.Blobs;
using Barman.Core.Compression;
using Barman.Core.Storage.ObjectStore;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.ObjectStore;

/// <summary>
/// The Azure driver and Debian's barman-cloud 3.4 (<c>--cloud-provider azure-blob-storage</c>) on one
/// Azurite container, both ways, with barman-cloud's emulator URL form
/// <c>http://HOST:PORT/ACCOUNT/CONTAINER/PATH</c> and <c>AZURE_STORAGE_CONNECTION_STRING</c>.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class BarmanCloudAzureInteropTests(AzuriteServer server) : IDisposable
{
    private readonly TempDir _dir = new("barman-cloud-az");
    private readonly string _container = $"interop{Guid.NewGuid():N}"[..30];
    private readonly string _path = "some/path";

    private string Url => $"{server.AccountUrl}/{_container}/{_path}";

    private Dictionary<string, string> Environment => new() { ["AZURE_STORAGE_CONNECTION_STRING"] = server.ConnectionString };

    private AzureBlobStore Open() =>
        new(new AzureStoreOptions { AccountUrl = server.AccountUrl, Container = _container }, AzureAuth.ConnectionString(server.ConnectionString));

    [Fact]
    public async Task What_barman_cloud_archives_is_listed_and_read_back_by_our_driver()
    {
        var gzipped = TestStreams.Bytes(300_000, 21);
        // barman-cloud creates the container when it is missing
        await BarmanCloud.RunAsync(BarmanCloud.Archive, Environment,
            "--cloud-provider", "azure-blob-storage", "-z", Url, "pg", BarmanCloud.WriteWal(_dir.Path, "000000020000000100000003", gzipped));
        await using var store = Open();

        var listed = new List<ObjectInfo>();
        await foreach (var o in store.ListAsync(_path + "/", default))
            listed.Add(o);

        Assert.Equal([$"{_path}/pg/wals/0000000200000001/000000020000000100000003.gz"], listed.Select(o => o.Key));
        Assert.Equal(gzipped, await BarmanCloudS3InteropTests.ReadAsync(store, listed[0].Key, Compressors.Get("gzip")));
    }

    [Fact]
    public async Task What_our_driver_writes_in_barman_clouds_layout_barman_cloud_wal_restore_fetches()
    {
        await new BlobContainerClient(server.ConnectionString, _container).CreateIfNotExistsAsync();
        await using var store = Open();
        var gzipped = TestStreams.Bytes(200_000, 22);
        await store.PutIfAbsentAsync($"{_path}/pg/wals/0000000200000001/000000020000000100000004.gz", BarmanCloudS3InteropTests.Gzip(gzipped), default);

        await BarmanCloud.RunAsync(BarmanCloud.Restore, Environment,
            "--cloud-provider", "azure-blob-storage", Url, "pg", "000000020000000100000004", _dir.Combine("g"));

        Assert.Equal(gzipped, await File.ReadAllBytesAsync(_dir.Combine("g")));
    }

    public void Dispose() => _dir.Dispose();
}
