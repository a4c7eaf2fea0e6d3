namespace Barman.Core.Storage.ObjectStore;

/// <summary>
/// Where an S3 bucket is and how to reach it. Anything left null comes from the AWS SDK's standard
/// chains: <c>AWS_ENDPOINT_URL_S3</c>/<c>AWS_ENDPOINT_URL</c>, <c>AWS_REGION</c>, <c>AWS_PROFILE</c>,
/// <c>AWS_ACCESS_KEY_ID</c>/<c>AWS_SECRET_ACCESS_KEY</c>, the shared config and credentials files,
/// then the instance's role. No secret is ever held here.
/// </summary>
internal sealed record S3StoreOptions
{
    public required string Bucket { get; init; }

    /// <summary>An S3-compatible endpoint (MinIO, Ceph, s3rver...): addressed path-style (<c>ENDPOINT/BUCKET/KEY</c>).</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>Barman's <c>aws_region</c>.</summary>
    public string? Region { get; init; }

    /// <summary>Barman's <c>aws_profile</c>: credentials, region and endpoint of this profile of the shared files.</summary>
    public string? Profile { get; init; }

    /// <summary>Longest wait for one request (Barman's <c>aws_read_timeout</c>, 60 s in barman-cloud).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Longest wait for a TCP/TLS connection.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries of one request after a transient failure (the SDK's standard backoff).</summary>
    public int MaxRetries { get; init; } = 2;

    /// <summary>
    /// Bytes buffered at most per upload: a stream that is not seekable and longer than this is
    /// sent as a multipart upload of parts this size (S3 needs at least 5 MiB per part).
    /// </summary>
    public int PartSize { get; init; } = 8 << 20;

    /// <summary>A seekable stream up to this length goes in one PUT (S3 allows 5 GiB); longer ones in parts.</summary>
    public long SinglePutLimit { get; init; } = 64L << 20;

    /// <summary>Keys asked per listing page (S3 returns at most 1000).</summary>
    public int ListPageSize { get; init; } = 1000;

    /// <summary>
    /// Look for the key before writing it. AWS S3 refuses to overwrite by itself (<c>If-None-Match: *</c>,
    /// sent always), but some S3-compatible stores ignore that header and would replace the object:
    /// s3rver 3.7.1 does. With this on, such a store is safe as long as one writer works on a key at a time.
    /// </summary>
    public bool CheckBeforePut { get; init; } = true;
}
