using Azure.Storage.Blobs;
using Barman.Core.Storage.ObjectStore;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.ObjectStore;

/// <summary>The Azure Blob Storage driver against Azurite 3.37.0 (development account, connection string or account key).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureBlobStoreTests : ObjectStoreContract
{
    private const string Container = "barman";
    private readonly AzuriteServer _server;

    public AzureBlobStoreTests(AzuriteServer server)
    {
        _server = server;
        CreateContainerAsync(server).GetAwaiter().GetResult();
    }

    protected override int SmallPartSize => 1 << 20;

    // a well-formed key that is not the account's
    protected override string WrongSecret => Convert.ToBase64String(TestStreams.Bytes(64, 42));

    internal override IObjectStore Open(int? partSize = null, int? pageSize = null) =>
        new AzureBlobStore(Options(_server) with { PartSize = partSize ?? 8 << 20, ListPageSize = pageSize ?? 5000 }, AzureAuth.ConnectionString(_server.ConnectionString));

    internal override IObjectStore OpenWithWrongCredentials() => new AzureBlobStore(Options(_server), AzureAuth.SharedKey(WrongSecret));

    internal override LocalStoreServer NewServer() => new AzuriteServer();

    internal override async Task<IObjectStore> OpenOnAsync(LocalStoreServer server)
    {
        var azurite = (AzuriteServer)server;
        await CreateContainerAsync(azurite);
        return new AzureBlobStore(Options(azurite) with { MaxRetries = 0 }, AzureAuth.ConnectionString(azurite.ConnectionString));
    }

    internal override IObjectStore OpenImpatient(Uri endpoint) =>
        new AzureBlobStore(
            new AzureStoreOptions { AccountUrl = new Uri(endpoint, AzuriteServer.Account), Container = Container, MaxRetries = 0, RequestTimeout = TimeSpan.FromSeconds(1) },
            AzureAuth.SharedKey(AzuriteServer.AccountKey));

    private static AzureStoreOptions Options(AzuriteServer server) => new() { AccountUrl = server.AccountUrl, Container = Container };

    private static async Task CreateContainerAsync(AzuriteServer server)
    {
        var options = new BlobClientOptions();
        await new BlobContainerClient(server.ConnectionString, Container, options).CreateIfNotExistsAsync();
    }

    [Fact]
    public async Task The_account_key_signs_requests_like_the_connection_string()
    {
        await using var store = new AzureBlobStore(Options(_server), AzureAuth.SharedKey(AzuriteServer.AccountKey));

        Assert.True((await store.PutIfAbsentAsync(Prefix + "k", new MemoryStream([1]), default)).Created);
        Assert.Equal($"{_server.AccountUrl}/barman", store.Name);
    }

    [Fact]
    public void Credentials_are_chosen_in_barman_clouds_order_and_never_printed()
    {
        var env = new Dictionary<string, string>
        {
            ["AZURE_STORAGE_CONNECTION_STRING"] = "AccountKey=cs-secret",
            ["AZURE_STORAGE_SAS_TOKEN"] = "sig=sas-secret",
            ["AZURE_STORAGE_KEY"] = "key-secret",
        };
        string? Get(string name) => env.GetValueOrDefault(name);

        var chosen = new List<string> { AzureAuth.FromEnvironment(Get).ToString() };
        env.Remove("AZURE_STORAGE_CONNECTION_STRING");
        chosen.Add(AzureAuth.FromEnvironment(Get).ToString());
        env.Remove("AZURE_STORAGE_SAS_TOKEN");
        chosen.Add(AzureAuth.FromEnvironment(Get).ToString());
        env.Remove("AZURE_STORAGE_KEY");
        chosen.Add(AzureAuth.FromEnvironment(Get).ToString());

        Assert.Equal(["connection string", "SAS token", "account key", "default Azure credential chain"], chosen);
    }

    [Fact]
    public void A_malformed_connection_string_is_refused_without_quoting_it()
    {
        var e = Assert.Throws<ObjectStoreException>(() => new AzureBlobStore(Options(_server), AzureAuth.ConnectionString("AccountName=x;AccountKey=not-base64-secret!;Nonsense")));

        Assert.Equal(ObjectStoreErrorKind.Failed, e.Kind);
        Assert.DoesNotContain("not-base64-secret", e.ToString(), StringComparison.Ordinal);
        Assert.StartsWith($"{_server.AccountUrl}/barman: cannot use the connection string", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_credential_chain_needs_https()
    {
        var e = Assert.Throws<ObjectStoreException>(() => new AzureBlobStore(Options(_server), AzureAuth.DefaultChain));

        Assert.Equal(ObjectStoreErrorKind.Failed, e.Kind);
        Assert.EndsWith("cannot use the default Azure credential chain: not usable with this URL", e.Message, StringComparison.Ordinal);
    }
}
