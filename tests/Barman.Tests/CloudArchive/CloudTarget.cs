using Azure.Storage.Blobs;
using Barman.Core.Storage.ObjectStore;
using Barman.Tests.Infrastructure;
using Barman.Tests.ObjectStore;

namespace Barman.Tests.CloudArchive;

/// <summary>A real local object store as an archive home: its URL form, the environment barman gets, and a driver to look inside.</summary>
public abstract class CloudTarget(LocalStoreServer server)
{
    public LocalStoreServer Server { get; } = server;

    /// <summary>The <c>wals_directory</c> of an archive at <paramref name="path"/>.</summary>
    public abstract string Url(string path);

    /// <summary>The store's name as messages print it (the start of every store error).</summary>
    public abstract string StoreName { get; }

    /// <summary>The credentials and endpoint of barman's process (the SDKs' standard variables only).</summary>
    public abstract Dictionary<string, string> Environment { get; }

    /// <summary>The same with credentials the store refuses.</summary>
    public abstract Dictionary<string, string> WrongCredentials { get; }

    /// <summary>The secret of <see cref="WrongCredentials"/>, which must appear nowhere.</summary>
    public abstract string WrongSecret { get; }

    /// <summary>barman-cloud's arguments before the URL.</summary>
    public abstract string[] BarmanCloudOptions { get; }

    internal abstract IObjectStore OpenStore();

    /// <summary>The <c>wals_directory</c> of the archive at <paramref name="path"/> when the store is reached at <paramref name="endpoint"/> instead.</summary>
    public virtual string UrlAt(Uri endpoint, string path) => Url(path);

    /// <summary><see cref="Environment"/> with the store reached at <paramref name="endpoint"/> (a closed port, a server that never answers).</summary>
    public abstract Dictionary<string, string> EnvironmentAt(Uri endpoint);

    /// <summary><see cref="StoreName"/> of the store reached at <paramref name="endpoint"/>.</summary>
    public abstract string StoreNameAt(Uri endpoint);

    public virtual Task PrepareAsync() => Task.CompletedTask;

    /// <summary>Variables that keep the SDKs away from the machine's own files and instance metadata.</summary>
    protected static Dictionary<string, string> Hermetic(Dictionary<string, string> variables)
    {
        variables["AWS_CONFIG_FILE"] = "/nonexistent/aws-config";
        variables["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/aws-credentials";
        variables["AWS_EC2_METADATA_DISABLED"] = "true";
        variables["AWS_DEFAULT_REGION"] = "us-east-1"; // boto3 (barman-cloud) needs one
        return variables;
    }
}

public sealed class S3Target(S3rverServer server) : CloudTarget(server)
{
    public override string Url(string path) => $"s3://{S3rverServer.Bucket}/{path}";

    public override string StoreName => $"s3://{S3rverServer.Bucket} ({Server.Endpoint.ToString().TrimEnd('/')})";

    public override Dictionary<string, string> Environment => Hermetic(new()
    {
        ["AWS_ACCESS_KEY_ID"] = S3rverServer.AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = "cloud-archive-secret",
        ["AWS_ENDPOINT_URL"] = Server.Endpoint.ToString(),
    });

    public override Dictionary<string, string> WrongCredentials => Hermetic(new()
    {
        ["AWS_ACCESS_KEY_ID"] = "NOT-A-KEY-OF-S3RVER",
        ["AWS_SECRET_ACCESS_KEY"] = WrongSecret,
        ["AWS_ENDPOINT_URL"] = Server.Endpoint.ToString(),
    });

    public override string WrongSecret => "wrong-secret-5a4b3c2d1e";

    public override string[] BarmanCloudOptions => ["--endpoint-url", Server.Endpoint.ToString()];

    public override Dictionary<string, string> EnvironmentAt(Uri endpoint) =>
        new(Environment) { ["AWS_ENDPOINT_URL"] = endpoint.ToString() };

    public override string StoreNameAt(Uri endpoint) => $"s3://{S3rverServer.Bucket} ({endpoint.ToString().TrimEnd('/')})";

    internal override IObjectStore OpenStore()
    {
        AwsTestProfiles.EnsureInstalled();
        return new S3ObjectStore(new S3StoreOptions { Bucket = S3rverServer.Bucket, Endpoint = Server.Endpoint, Profile = AwsTestProfiles.Good });
    }
}

public sealed class AzureTarget(AzuriteServer server) : CloudTarget(server)
{
    private const string Container = "cloudarchive";
    private readonly AzuriteServer _azurite = server;

    public override string Url(string path) => $"{_azurite.AccountUrl}/{Container}/{path}";

    public override string StoreName => $"{_azurite.AccountUrl.ToString().TrimEnd('/')}/{Container}";

    public override Dictionary<string, string> Environment => Hermetic(new() { ["AZURE_STORAGE_CONNECTION_STRING"] = _azurite.ConnectionString });

    public override Dictionary<string, string> WrongCredentials => Hermetic(new()
    {
        ["AZURE_STORAGE_CONNECTION_STRING"] = _azurite.ConnectionString.Replace(AzuriteServer.AccountKey, WrongSecret, StringComparison.Ordinal),
    });

    // a well-formed account key (base64 of 64 bytes), not Azurite's
    public override string WrongSecret { get; } = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(new string('k', 64)));

    public override string[] BarmanCloudOptions => ["--cloud-provider", "azure-blob-storage"];

    public override string UrlAt(Uri endpoint, string path) => $"{AccountUrlAt(endpoint)}/{Container}/{path}";

    public override Dictionary<string, string> EnvironmentAt(Uri endpoint) => Hermetic(new()
    {
        ["AZURE_STORAGE_CONNECTION_STRING"] = _azurite.ConnectionString.Replace(_azurite.AccountUrl.ToString(), AccountUrlAt(endpoint), StringComparison.Ordinal),
    });

    public override string StoreNameAt(Uri endpoint) => $"{AccountUrlAt(endpoint)}/{Container}";

    private static string AccountUrlAt(Uri endpoint) => $"{endpoint.ToString().TrimEnd('/')}/{AzuriteServer.Account}";

    internal override IObjectStore OpenStore() =>
        new AzureBlobStore(new AzureStoreOptions { AccountUrl = _azurite.AccountUrl, Container = Container }, AzureAuth.ConnectionString(_azurite.ConnectionString));

    public override async Task PrepareAsync() => await new BlobContainerClient(_azurite.ConnectionString, Container).CreateIfNotExistsAsync();
}
