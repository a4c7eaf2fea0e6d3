using Azure;
using Azure.Identity;

namespace Barman.Core.Storage.ObjectStore;

/// <summary>Turns what the Azure SDK throws into an <see cref="ObjectStoreException"/> of the right kind.</summary>
internal static class AzureErrors
{
    public static ObjectStoreException Classify(Exception e, string store, string action) => e switch
    {
        ObjectStoreException known => known,
        // Put Blob / Put Block List with If-None-Match: * answer 409 BlobAlreadyExists
        RequestFailedException { Status: not 0 } rf => ObjectStoreErrors.FromStatus(rf.Status, rf.ErrorCode, store, action, e,
            rf.ErrorCode == "BlobAlreadyExists" ? ObjectStoreErrorKind.AlreadyExists : null),
        AuthenticationFailedException or CredentialUnavailableException =>
            ObjectStoreErrors.Other(e, store, action, ObjectStoreErrorKind.AccessDenied, "no Azure credential: "),
        _ => ObjectStoreErrors.FromNetwork(e, store, action) ?? ObjectStoreErrors.Other(e, store, action),
    };
}
