using Azure;
using Azure.Identity;
using Azure.Storage;
using Azure.Storage.Blobs;

namespace Barman.Core.Storage.ObjectStore;

/// <summary>
/// How to sign in to Azure Blob Storage, in barman-cloud's order: a connection string
/// (<c>AZURE_STORAGE_CONNECTION_STRING</c>), a SAS token (<c>AZURE_STORAGE_SAS_TOKEN</c>), the
/// account key (<c>AZURE_STORAGE_KEY</c>), else the default credential chain (environment,
/// workload and managed identity, Azure CLI...). The secret is held privately and never printed:
/// <see cref="ToString"/> says which kind it is, nothing more.
/// </summary>
internal sealed class AzureAuth
{
    public const string BlobDomain = ".blob.core.windows.net";

    private readonly Kind _kind;
    private readonly string? _secret;

    private AzureAuth(Kind kind, string? secret)
    {
        _kind = kind;
        _secret = secret;
    }

    private enum Kind
    {
        ConnectionString,
        SasToken,
        SharedKey,
        DefaultChain,
    }

    public static AzureAuth ConnectionString(string value) => new(Kind.ConnectionString, value);

    public static AzureAuth SasToken(string value) => new(Kind.SasToken, value.TrimStart('?'));

    public static AzureAuth SharedKey(string accountKey) => new(Kind.SharedKey, accountKey);

    public static AzureAuth DefaultChain { get; } = new(Kind.DefaultChain, null);

    /// <summary>barman-cloud's choice from the environment (<paramref name="getenv"/>: <see cref="Environment.GetEnvironmentVariable(string)"/> in production).</summary>
    public static AzureAuth FromEnvironment(Func<string, string?> getenv) =>
        getenv("AZURE_STORAGE_CONNECTION_STRING") is { Length: > 0 } cs ? ConnectionString(cs)
        : getenv("AZURE_STORAGE_SAS_TOKEN") is { Length: > 0 } sas ? SasToken(sas)
        : getenv("AZURE_STORAGE_KEY") is { Length: > 0 } key ? SharedKey(key)
        : DefaultChain;

    public override string ToString() => _kind switch
    {
        Kind.ConnectionString => "connection string",
        Kind.SasToken => "SAS token",
        Kind.SharedKey => "account key",
        _ => "default Azure credential chain",
    };

    /// <summary>The SDK client of the container. A connection string names its own endpoint (as in barman-cloud); the others use <paramref name="options"/>' account URL.</summary>
    public BlobContainerClient CreateClient(AzureStoreOptions options, BlobClientOptions clientOptions, string store)
    {
        try
        {
            var containerUri = new Uri(options.AccountUrl.ToString().TrimEnd('/') + "/" + options.Container);
            return _kind switch
            {
                Kind.ConnectionString => new BlobContainerClient(_secret, options.Container, clientOptions),
                Kind.SasToken => new BlobContainerClient(containerUri, new AzureSasCredential(_secret!), clientOptions),
                Kind.SharedKey => new BlobContainerClient(containerUri, new StorageSharedKeyCredential(options.AccountName, _secret), clientOptions),
                _ => new BlobContainerClient(containerUri, new DefaultAzureCredential(), clientOptions),
            };
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            // The SDK's own message may quote the secret (a malformed connection string): never pass it on.
            throw new ObjectStoreException(ObjectStoreErrorKind.Failed, store, $"cannot use the {this}: {(e is FormatException ? "malformed" : "not usable with this URL")}");
        }
    }
}
