using System.Runtime.CompilerServices;
using System.Text;
using Azure;
using Azure.Core.Pipeline;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace Barman.Core.Storage.ObjectStore;

/// <summary>
/// An Azure Blob Storage container (or Azurite) through the Azure SDK. Uploads never replace a blob:
/// Put Blob and Put Block List carry <c>If-None-Match: *</c>, which Azure and Azurite both honour
/// (409 BlobAlreadyExists), so no look-up is needed first.
/// </summary>
internal sealed class AzureBlobStore : IObjectStore
{
    private readonly BlobContainerClient _container;
    private readonly AzureStoreOptions _options;
    private readonly HttpClient _http;

    public AzureBlobStore(AzureStoreOptions options, AzureAuth auth)
    {
        _options = options;
        Name = $"{options.AccountUrl.GetLeftPart(UriPartial.Path).TrimEnd('/')}/{options.Container}";
        _http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = options.ConnectTimeout }) { Timeout = Timeout.InfiniteTimeSpan };
        var clientOptions = new BlobClientOptions
        {
            Transport = new HttpClientTransport(_http),
            Retry = { MaxRetries = options.MaxRetries, NetworkTimeout = options.RequestTimeout },
            // integrity in transit is TLS's job; CRC64 "structured message" bodies are not understood by every emulator
            TransferValidation =
            {
                Upload = { ChecksumAlgorithm = StorageChecksumAlgorithm.None },
                Download = { ChecksumAlgorithm = StorageChecksumAlgorithm.None },
            },
        };
        clientOptions.Diagnostics.IsLoggingEnabled = false;
        clientOptions.Diagnostics.IsDistributedTracingEnabled = false;
        _container = auth.CreateClient(options, clientOptions, Name);
    }

    public string Name { get; }

    public Task<PutResult> PutIfAbsentAsync(string key, Stream content, CancellationToken ct) =>
        ObjectUpload.PutIfAbsentAsync(this, key, content, _options.SinglePutLimit, _options.PartSize,
            (body, length) => PutOnceAsync(key, body, length, ct), part => PutInBlocksAsync(key, part, content, ct), ct);

    public async Task<ObjectInfo?> StatAsync(string key, CancellationToken ct)
    {
        try
        {
            var props = (await _container.GetBlobClient(key).GetPropertiesAsync(cancellationToken: ct).ConfigureAwait(false)).Value;
            return Info(key, props.ContentLength, props.LastModified, props.ETag, props.ContentHash);
        }
        catch (RequestFailedException e) when (e.Status == 404 && e.ErrorCode != "ContainerNotFound")
        {
            return null;
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            throw AzureErrors.Classify(e, Name, $"cannot read the attributes of {key}");
        }
    }

    public async Task<Stream> OpenReadAsync(string key, CancellationToken ct)
    {
        try
        {
            var download = (await _container.GetBlobClient(key).DownloadStreamingAsync(cancellationToken: ct).ConfigureAwait(false)).Value;
            return new StoreReadStream(download.Content, download, e => AzureErrors.Classify(e, Name, $"cannot read {key}"));
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            throw AzureErrors.Classify(e, Name, $"cannot read {key}");
        }
    }

    public async IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        var pages = _container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, ct).AsPages(pageSizeHint: _options.ListPageSize);
        await using var pager = pages.GetAsyncEnumerator(ct);
        while (true)
        {
            try
            {
                if (!await pager.MoveNextAsync().ConfigureAwait(false))
                    yield break;
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                throw AzureErrors.Classify(e, Name, $"cannot list {prefix}");
            }
            foreach (var item in pager.Current.Values)
                yield return Info(item.Name, item.Properties.ContentLength ?? 0, item.Properties.LastModified, item.Properties.ETag, item.Properties.ContentHash);
        }
    }

    public async Task DeleteAsync(string key, CancellationToken ct)
    {
        try
        {
            await _container.GetBlobClient(key).DeleteIfExistsAsync(cancellationToken: ct).ConfigureAwait(false);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            throw AzureErrors.Classify(e, Name, $"cannot delete {key}");
        }
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    private static BlobRequestConditions IfAbsent => new() { IfNoneMatch = ETag.All };

    private async Task<ObjectInfo> PutOnceAsync(string key, Stream body, long length, CancellationToken ct)
    {
        try
        {
            var info = (await _container.GetBlockBlobClient(key).UploadAsync(body, new BlobUploadOptions
            {
                Conditions = IfAbsent,
                // one Put Blob straight from the stream (the SDK stages blocks from this size on)
                TransferOptions = new StorageTransferOptions { InitialTransferSize = length + 1, MaximumConcurrency = 1 },
            }, ct).ConfigureAwait(false)).Value;
            return Info(key, length, info.LastModified, info.ETag, info.ContentHash);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            throw AzureErrors.Classify(e, Name, $"cannot write {key}");
        }
    }

    /// <summary>
    /// Staged blocks, one in memory at a time (<paramref name="part"/> holds the first), then one Put
    /// Block List (atomic: until then nothing is visible under the key). Block ids are unique to this
    /// upload, so a concurrent or earlier failed upload of the same key can never lend us its blocks.
    /// </summary>
    private async Task<ObjectInfo> PutInBlocksAsync(string key, PartBuffer part, Stream content, CancellationToken ct)
    {
        var blob = _container.GetBlockBlobClient(key);
        var upload = Guid.NewGuid().ToString("N");
        var ids = new List<string>();
        long length = 0;
        try
        {
            do
            {
                var id = Convert.ToBase64String(Encoding.ASCII.GetBytes($"{upload}-{ids.Count:D6}"));
                using var body = part.AsStream();
                await blob.StageBlockAsync(id, body, cancellationToken: ct).ConfigureAwait(false);
                ids.Add(id);
                length += part.Length;
            }
            while (await part.FillAsync(content, ct).ConfigureAwait(false) > 0);
            var info = (await blob.CommitBlockListAsync(ids, new CommitBlockListOptions { Conditions = IfAbsent }, ct).ConfigureAwait(false)).Value;
            return Info(key, length, info.LastModified, info.ETag, null);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // staged blocks that are never committed are dropped by the service after a week
            throw AzureErrors.Classify(e, Name, $"cannot write {key}");
        }
    }

    private static ObjectInfo Info(string key, long size, DateTimeOffset modified, ETag etag, byte[]? md5) =>
        new(key, size, modified, etag.ToString().Trim('"'), md5 is { Length: 16 } ? Convert.ToHexStringLower(md5) : null);

    private static ObjectInfo Info(string key, long size, DateTimeOffset? modified, ETag? etag, byte[]? md5) =>
        Info(key, size, modified ?? DateTimeOffset.MinValue, etag ?? default, md5);
}
