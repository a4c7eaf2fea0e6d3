namespace Barman.Core.Storage.ObjectStore;

/// <summary>
/// Where an Azure Blob Storage container is and how to reach it (credentials apart: <see cref="AzureAuth"/>).
/// </summary>
internal sealed record AzureStoreOptions
{
    /// <summary>The blob service of the account: <c>https://ACCOUNT.blob.core.windows.net</c>, or an emulator's <c>http://127.0.0.1:10000/devstoreaccount1</c>.</summary>
    public required Uri AccountUrl { get; init; }

    public required string Container { get; init; }

    /// <summary>Longest wait for one request (the SDK's network timeout).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Longest wait for a TCP/TLS connection.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries of one request after a transient failure (the SDK's exponential backoff).</summary>
    public int MaxRetries { get; init; } = 2;

    /// <summary>Bytes buffered at most per upload: a stream that is not seekable and longer than this goes as blocks of this size.</summary>
    public int PartSize { get; init; } = 8 << 20;

    /// <summary>A seekable stream up to this length goes in one Put Blob; longer ones as blocks.</summary>
    public long SinglePutLimit { get; init; } = 64L << 20;

    /// <summary>Blobs asked per listing page (the service returns at most 5000).</summary>
    public int ListPageSize { get; init; } = 5000;

    /// <summary>The account's name, for messages and shared-key signing: the host's first label, or an emulator URL's first path segment.</summary>
    public string AccountName =>
        AccountUrl.Host.EndsWith(AzureAuth.BlobDomain, StringComparison.OrdinalIgnoreCase)
            ? AccountUrl.Host.Split('.')[0]
            : AccountUrl.AbsolutePath.Trim('/').Split('/')[0];
}
