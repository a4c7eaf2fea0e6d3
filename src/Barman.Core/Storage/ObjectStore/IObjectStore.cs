namespace Barman.Core.Storage.ObjectStore;

/// <summary>
/// One bucket (S3) or container (Azure Blob Storage) seen as a flat map from keys to immutable
/// objects. Keys are full object names (<c>PATH/SERVER/wals/…</c>): the archive layout above it
/// decides them. Every failure is an <see cref="ObjectStoreException"/> whose
/// <see cref="ObjectStoreException.Kind"/> says what to do about it and whose message names the
/// store, never a secret.
/// </summary>
internal interface IObjectStore : IAsyncDisposable
{
    /// <summary>Where the objects live, for messages: <c>s3://bucket (http://127.0.0.1:9000)</c>, <c>azure://account/container</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Stores <paramref name="content"/> (read from its position to its end, once) under
    /// <paramref name="key"/> unless an object already exists there: an existing object is never
    /// replaced. The new object appears whole or not at all; memory stays bounded by the driver's
    /// part size whatever the length (a seekable stream is sent from where it is, another one part by part).
    /// </summary>
    Task<PutResult> PutIfAbsentAsync(string key, Stream content, CancellationToken ct);

    /// <summary>The object's size, time and hashes; <see langword="null"/> when there is none.</summary>
    Task<ObjectInfo?> StatAsync(string key, CancellationToken ct);

    /// <summary>The object's bytes as a stream read from the network (dispose it); <see cref="ObjectStoreErrorKind.NotFound"/> when absent.</summary>
    Task<Stream> OpenReadAsync(string key, CancellationToken ct);

    /// <summary>Every object whose key starts with <paramref name="prefix"/>, in key order, fetched page by page as enumerated.</summary>
    IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, CancellationToken ct);

    /// <summary>Removes the object; an absent one is not an error (so a retried delete succeeds).</summary>
    Task DeleteAsync(string key, CancellationToken ct);
}

/// <summary>What <see cref="IObjectStore.PutIfAbsentAsync"/> did.</summary>
/// <param name="Created">The object is ours, just written; <see langword="false"/>: one was there already and was left alone.</param>
/// <param name="Object">The new object, or the one found in its place (to compare with what we meant to write).</param>
internal sealed record PutResult(bool Created, ObjectInfo Object);

/// <summary>One stored object.</summary>
/// <param name="ETag">The store's entity tag, unquoted.</param>
/// <param name="ContentMd5">Lower-case hex MD5 of the bytes when the store vouches for it (S3 single-part ETag, Azure Content-MD5), else <see langword="null"/>.</param>
internal sealed record ObjectInfo(string Key, long Size, DateTimeOffset LastModified, string ETag, string? ContentMd5);
