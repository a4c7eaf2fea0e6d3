namespace Barman.Core.Storage.ObjectStore;

/// <summary>What went wrong with a store, as far as a caller needs to know to decide what comes next.</summary>
internal enum ObjectStoreErrorKind
{
    /// <summary>No such object (or bucket/container): 404.</summary>
    NotFound,

    /// <summary>A conditional create found an object in place: S3 412, Azure 409/412.</summary>
    AlreadyExists,

    /// <summary>Credentials refused or missing, or not allowed: 401/403, no credential in any chain.</summary>
    AccessDenied,

    /// <summary>No answer: connection refused, DNS, TLS, timeout. Worth retrying later.</summary>
    Unreachable,

    /// <summary>The store answered that it cannot now: 5xx, throttling (429, 503 SlowDown), conflicting concurrent write. Worth retrying.</summary>
    Transient,

    /// <summary>Any other refusal (bad request, bad configuration): retrying will not help.</summary>
    Failed,
}

/// <summary>A failed store operation. The message reads <c>STORE: what failed: cause</c> and never holds a secret.</summary>
internal sealed class ObjectStoreException : Exception
{
    public ObjectStoreException(ObjectStoreErrorKind kind, string store, string message, Exception? inner = null)
        : base($"{store}: {message}", inner)
    {
        Kind = kind;
        Store = store;
    }

    public ObjectStoreErrorKind Kind { get; }

    /// <summary>The store's <see cref="IObjectStore.Name"/>.</summary>
    public string Store { get; }

    /// <summary>Whether the same call may succeed later without anything changed by the operator.</summary>
    public bool IsTransient => Kind is ObjectStoreErrorKind.Unreachable or ObjectStoreErrorKind.Transient;
}
