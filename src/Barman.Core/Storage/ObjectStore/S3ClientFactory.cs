using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.S3;

namespace Barman.Core.Storage.ObjectStore;

/// <summary>The SDK client of a bucket, the bucket's name for messages, and whether requests travel over TLS.</summary>
internal sealed record S3Connection(AmazonS3Client Client, string Name, bool OverTls);

/// <summary>Builds the SDK client of an <see cref="S3StoreOptions"/>: the SDK's own chains, fixed where an S3-compatible store needs it.</summary>
internal static class S3ClientFactory
{
    private const string FallbackRegion = "us-east-1";

    public static S3Connection Create(S3StoreOptions options)
    {
        var profile = options.Profile ?? Environment.GetEnvironmentVariable("AWS_PROFILE");
        var storedProfile = LoadProfile(profile, explicitly: options.Profile is not null, options.Bucket);
        var endpoint = options.Endpoint?.ToString() ?? ConfiguredEndpoint() ?? storedProfile?.EndpointUrl;
        var config = new AmazonS3Config
        {
            // Third-party stores reject the SDK's default trailing checksums (aws-chunked bodies):
            // checksums only where the API requires them; integrity comes from TLS or the signed payload hash.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            Timeout = options.RequestTimeout,
            ConnectTimeout = options.ConnectTimeout,
            MaxErrorRetry = options.MaxRetries,
        };
        if (options.Profile is not null)
            config.Profile = new Profile(options.Profile);
        var region = options.Region ?? EnvironmentRegion() ?? storedProfile?.Region?.SystemName;
        if (endpoint is not null)
        {
            config.ServiceURL = endpoint;
            config.ForcePathStyle = true;
            config.AuthenticationRegion = region ?? FallbackRegion;
        }
        else if (region is not null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }
        var name = endpoint is null ? $"s3://{options.Bucket}" : $"s3://{options.Bucket} ({endpoint.TrimEnd('/')})";
        var overTls = endpoint is null || endpoint.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
        try
        {
            return new S3Connection(new AmazonS3Client(config), name, overTls);
        }
        catch (AmazonClientException e)
        {
            // "No RegionEndpoint or ServiceURL configured", no credentials in any chain...
            throw new ObjectStoreException(ObjectStoreErrorKind.Failed, name, "cannot set up the S3 client: " + e.Message);
        }
    }

    /// <summary>The endpoint of <c>AWS_ENDPOINT_URL_S3</c> or <c>AWS_ENDPOINT_URL</c> (the SDK reads them too; we need to know to address path-style).</summary>
    private static string? ConfiguredEndpoint()
    {
        if (string.Equals(Environment.GetEnvironmentVariable("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true", StringComparison.OrdinalIgnoreCase))
            return null;
        return NonEmpty(Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_S3")) ?? NonEmpty(Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL"));
    }

    private static string? EnvironmentRegion() =>
        NonEmpty(Environment.GetEnvironmentVariable("AWS_REGION")) ?? NonEmpty(Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION"));

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static CredentialProfile? LoadProfile(string? profile, bool explicitly, string bucket)
    {
        var chain = new CredentialProfileStoreChain();
        if (chain.TryGetProfile(profile ?? "default", out var found))
            return found;
        if (explicitly)
            throw new ObjectStoreException(ObjectStoreErrorKind.Failed, $"s3://{bucket}", $"AWS profile '{profile}' not found in the shared config or credentials file");
        return null;
    }
}
