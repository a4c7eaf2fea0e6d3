using System.Runtime.CompilerServices;
using Amazon.S3;
using Amazon.S3.Model;

namespace Barman.Core.Storage.ObjectStore;

/// <summary>
/// An S3 bucket (AWS or S3-compatible) through the AWS SDK. Uploads never replace an object
/// (<c>If-None-Match: *</c>, and a HEAD first for stores that ignore it: <see cref="S3StoreOptions.CheckBeforePut"/>);
/// bodies are sent whole, never <c>aws-chunked</c> (which s3rver would store as it came, chunk signatures included).
/// </summary>
internal sealed class S3ObjectStore : IObjectStore
{
    private readonly AmazonS3Client _client;
    private readonly S3StoreOptions _options;
    private readonly bool _overTls;

    public S3ObjectStore(S3StoreOptions options)
    {
        if (options.PartSize < 5 << 20)
            throw new ArgumentOutOfRangeException(nameof(options), "S3 parts are at least 5 MiB");
        _options = options;
        var connection = S3ClientFactory.Create(options);
        _client = connection.Client;
        Name = connection.Name;
        _overTls = connection.OverTls;
    }

    public string Name { get; }

    public async Task<PutResult> PutIfAbsentAsync(string key, Stream content, CancellationToken ct)
    {
        if (_options.CheckBeforePut && await StatAsync(key, ct).ConfigureAwait(false) is { } existing)
            return new PutResult(false, existing);
        return await ObjectUpload.PutIfAbsentAsync(this, key, content, _options.SinglePutLimit, _options.PartSize,
            (body, length) => PutOnceAsync(key, body, length, ct), part => PutInPartsAsync(key, part, content, ct), ct).ConfigureAwait(false);
    }

    public async Task<ObjectInfo?> StatAsync(string key, CancellationToken ct)
    {
        try
        {
            var head = await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _options.Bucket, Key = key }, ct).ConfigureAwait(false);
            return Info(key, head.ContentLength, head.LastModified, head.ETag);
        }
        catch (AmazonS3Exception e) when ((int)e.StatusCode == 404)
        {
            return null;
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            throw S3Errors.Classify(e, Name, $"cannot read the attributes of {key}");
        }
    }

    public async Task<Stream> OpenReadAsync(string key, CancellationToken ct)
    {
        try
        {
            var response = await _client.GetObjectAsync(new GetObjectRequest { BucketName = _options.Bucket, Key = key }, ct).ConfigureAwait(false);
            return new StoreReadStream(response.ResponseStream, response, e => S3Errors.Classify(e, Name, $"cannot read {key}"));
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            throw S3Errors.Classify(e, Name, $"cannot read {key}");
        }
    }

    public async IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        string? token = null;
        do
        {
            ListObjectsV2Response page;
            try
            {
                page = await _client.ListObjectsV2Async(new ListObjectsV2Request
                {
                    BucketName = _options.Bucket,
                    Prefix = prefix,
                    MaxKeys = _options.ListPageSize,
                    ContinuationToken = token,
                }, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                throw S3Errors.Classify(e, Name, $"cannot list {prefix}");
            }
            foreach (var o in page.S3Objects ?? [])
                yield return Info(o.Key, o.Size ?? 0, o.LastModified, o.ETag);
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
    }

    public async Task DeleteAsync(string key, CancellationToken ct)
    {
        try
        {
            await _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _options.Bucket, Key = key }, ct).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when ((int)e.StatusCode == 404 && e.ErrorCode != "NoSuchBucket")
        {
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            throw S3Errors.Classify(e, Name, $"cannot delete {key}");
        }
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<ObjectInfo> PutOnceAsync(string key, Stream body, long length, CancellationToken ct)
    {
        try
        {
            var response = await _client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = _options.Bucket,
                Key = key,
                InputStream = body,
                AutoCloseStream = false,
                AutoResetStreamPosition = false,
                IfNoneMatch = "*",
                UseChunkEncoding = false,
                // Over TLS the payload needs no hash of its own; over plain HTTP the SHA-256 in the signature protects it.
                DisablePayloadSigning = _overTls,
            }, ct).ConfigureAwait(false);
            return Info(key, length, DateTime.UtcNow, response.ETag);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            throw S3Errors.Classify(e, Name, $"cannot write {key}");
        }
    }

    /// <summary>A multipart upload, one part in memory at a time (<paramref name="part"/> holds the first).</summary>
    private async Task<ObjectInfo> PutInPartsAsync(string key, PartBuffer part, Stream content, CancellationToken ct)
    {
        string uploadId;
        try
        {
            uploadId = (await _client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = _options.Bucket, Key = key }, ct)
                .ConfigureAwait(false)).UploadId;
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            throw S3Errors.Classify(e, Name, $"cannot start the upload of {key}");
        }
        try
        {
            var etags = new List<PartETag>();
            long length = 0;
            do
            {
                using var body = part.AsStream();
                var uploaded = await _client.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = _options.Bucket,
                    Key = key,
                    UploadId = uploadId,
                    PartNumber = etags.Count + 1,
                    InputStream = body,
                    UseChunkEncoding = false,
                    DisablePayloadSigning = _overTls,
                }, ct).ConfigureAwait(false);
                etags.Add(new PartETag(etags.Count + 1, uploaded.ETag));
                length += part.Length;
            }
            while (await part.FillAsync(content, ct).ConfigureAwait(false) > 0);
            var done = await _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = _options.Bucket,
                Key = key,
                UploadId = uploadId,
                PartETags = etags,
                IfNoneMatch = "*",
            }, ct).ConfigureAwait(false);
            return Info(key, length, DateTime.UtcNow, done.ETag);
        }
        catch (Exception e)
        {
            await AbortQuietlyAsync(key, uploadId).ConfigureAwait(false);
            if (ct.IsCancellationRequested)
                throw;
            throw S3Errors.Classify(e, Name, $"cannot write {key}");
        }
    }

    /// <summary>Drops the parts of a failed upload (nothing was ever visible under the key); a failure here leaves them to the bucket's lifecycle rules.</summary>
    private async Task AbortQuietlyAsync(string key, string uploadId)
    {
        try
        {
            using var timeout = new CancellationTokenSource(_options.RequestTimeout);
            await _client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = _options.Bucket, Key = key, UploadId = uploadId }, timeout.Token)
                .ConfigureAwait(false);
        }
        catch (Exception e) when (e is AmazonS3Exception or HttpRequestException or IOException or OperationCanceledException or Amazon.Runtime.AmazonClientException)
        {
        }
    }

    private static ObjectInfo Info(string key, long size, DateTime? modified, string? etag)
    {
        var tag = (etag ?? "").Trim('"');
        // A single-part upload's ETag is the MD5 of the bytes (unless SSE-KMS/SSE-C: then it is not hex-32);
        // a multipart ETag is "md5-of-md5s-N".
        var md5 = tag.Length == 32 && tag.All(Uri.IsHexDigit) ? tag.ToLowerInvariant() : null;
        var when = modified is { } m ? new DateTimeOffset(DateTime.SpecifyKind(m.ToUniversalTime(), DateTimeKind.Utc)) : DateTimeOffset.MinValue;
        return new ObjectInfo(key, size, when, tag, md5);
    }
}
