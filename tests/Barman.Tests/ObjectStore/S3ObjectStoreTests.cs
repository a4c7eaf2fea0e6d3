using Barman.Core.Storage.ObjectStore;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.ObjectStore;

/// <summary>The S3 driver against s3rver 3.7.1 (path-style, credentials through an AWS profile).</summary>
[Collection(S3rverCollection.Name)]
public sealed class S3ObjectStoreTests : ObjectStoreContract
{
    private readonly S3rverServer _server;

    public S3ObjectStoreTests(S3rverServer server)
    {
        _server = server;
        AwsTestProfiles.EnsureInstalled();
    }

    protected override int SmallPartSize => 5 << 20;

    protected override string WrongSecret => AwsTestProfiles.WrongSecret;

    internal override IObjectStore Open(int? partSize = null, int? pageSize = null) => new S3ObjectStore(Options(_server.Endpoint) with
    {
        PartSize = partSize ?? 8 << 20,
        ListPageSize = pageSize ?? 1000,
    });

    internal override IObjectStore OpenWithWrongCredentials() => new S3ObjectStore(Options(_server.Endpoint) with { Profile = AwsTestProfiles.WrongKey });

    internal override LocalStoreServer NewServer() => new S3rverServer();

    internal override Task<IObjectStore> OpenOnAsync(LocalStoreServer server) =>
        Task.FromResult<IObjectStore>(new S3ObjectStore(Options(server.Endpoint) with { MaxRetries = 0 }));

    internal override IObjectStore OpenImpatient(Uri endpoint) =>
        new S3ObjectStore(Options(endpoint) with { MaxRetries = 0, RequestTimeout = TimeSpan.FromSeconds(1) });

    private static S3StoreOptions Options(Uri endpoint) => new()
    {
        Bucket = S3rverServer.Bucket,
        Endpoint = endpoint,
        Profile = AwsTestProfiles.Good,
    };

    [Fact]
    public async Task The_name_says_bucket_and_endpoint()
    {
        await using var store = Open();

        Assert.Equal($"s3://barman ({_server.Endpoint.ToString().TrimEnd('/')})", store.Name);
    }

    [Fact]
    public async Task S3rver_ignores_If_None_Match_so_the_look_up_first_is_what_keeps_the_first_object()
    {
        // what CheckBeforePut is for: without it, s3rver replaces the object a conditional PUT should have kept
        await using var store = new S3ObjectStore(Options(_server.Endpoint) with { CheckBeforePut = false });

        await store.PutIfAbsentAsync(Prefix + "k", new MemoryStream([1]), default);
        var second = await store.PutIfAbsentAsync(Prefix + "k", new MemoryStream([2, 2]), default);

        Assert.True(second.Created);
        Assert.Equal(2, (await store.StatAsync(Prefix + "k", default))!.Size);
    }

    [Fact]
    public async Task Credentials_region_and_endpoint_come_from_the_environment_when_nothing_is_set()
    {
        var saved = new[] { "AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION" }
            .ToDictionary(v => v, Environment.GetEnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL", _server.Endpoint.ToString());
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", S3rverServer.AccessKey);
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "env-secret");
            Environment.SetEnvironmentVariable("AWS_REGION", "eu-central-1");
            await using var store = new S3ObjectStore(new S3StoreOptions { Bucket = S3rverServer.Bucket });

            var put = await store.PutIfAbsentAsync(Prefix + "env", new MemoryStream([7]), default);

            Assert.True(put.Created);
            Assert.Contains(_server.Endpoint.ToString().TrimEnd('/'), store.Name, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var (name, value) in saved)
                Environment.SetEnvironmentVariable(name, value);
        }
    }

    [Fact]
    public void An_unknown_profile_is_refused_by_name()
    {
        var e = Assert.Throws<ObjectStoreException>(() => new S3ObjectStore(Options(_server.Endpoint) with { Profile = "no-such-profile" }));

        Assert.Equal(ObjectStoreErrorKind.Failed, e.Kind);
        Assert.Equal("s3://barman: AWS profile 'no-such-profile' not found in the shared config or credentials file", e.Message);
    }
}
