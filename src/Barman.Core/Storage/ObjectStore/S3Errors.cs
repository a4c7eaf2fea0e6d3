using Amazon.Runtime;
using Amazon.S3;

namespace Barman.Core.Storage.ObjectStore;

/// <summary>Turns what the AWS SDK throws into an <see cref="ObjectStoreException"/> of the right kind.</summary>
internal static class S3Errors
{
    public static ObjectStoreException Classify(Exception e, string store, string action) => e switch
    {
        ObjectStoreException known => known,
        // ConditionalRequestConflict: another conditional write to the key is in flight; the retry will see it (412)
        AmazonS3Exception { StatusCode: not 0 } s3 => ObjectStoreErrors.FromStatus((int)s3.StatusCode, s3.ErrorCode, store, action, e,
            s3.ErrorCode == "ConditionalRequestConflict" ? ObjectStoreErrorKind.Transient : null),
        _ => ObjectStoreErrors.FromNetwork(e, store, action)
            ?? (e is AmazonClientException && e.Message.Contains("credentials", StringComparison.OrdinalIgnoreCase)
                ? ObjectStoreErrors.Other(e, store, action, ObjectStoreErrorKind.AccessDenied, "no AWS credentials: ")
                : ObjectStoreErrors.Other(e, store, action)),
    };
}
