namespace Barman.Core.Storage.ObjectStore;

/// <summary>
/// The shape of every driver's <see cref="IObjectStore.PutIfAbsentAsync"/>: a seekable stream that
/// fits goes in one request straight from the stream; any other stream is read one part at a time
/// (one request if it ends within the first part); a refusal because an object is there becomes
/// <c>Created = false</c> with that object's attributes.
/// </summary>
internal static class ObjectUpload
{
    /// <param name="putOnce">One request with a seekable body of the given length.</param>
    /// <param name="putInParts">A multipart/block upload starting with the full first part in the buffer (refill it from the stream for the next).</param>
    public static async Task<PutResult> PutIfAbsentAsync(
        IObjectStore store, string key, Stream content, long singlePutLimit, int partSize,
        Func<Stream, long, Task<ObjectInfo>> putOnce, Func<PartBuffer, Task<ObjectInfo>> putInParts, CancellationToken ct)
    {
        try
        {
            if (content.CanSeek && content.Length - content.Position <= singlePutLimit)
                return new PutResult(true, await putOnce(content, content.Length - content.Position).ConfigureAwait(false));
            using var part = new PartBuffer(partSize);
            if (await part.FillAsync(content, ct).ConfigureAwait(false) == part.Capacity)
                return new PutResult(true, await putInParts(part).ConfigureAwait(false));
            using var whole = part.AsStream();
            return new PutResult(true, await putOnce(whole, part.Length).ConfigureAwait(false));
        }
        catch (ObjectStoreException e) when (e.Kind == ObjectStoreErrorKind.AlreadyExists)
        {
            // refused because an object is there: report it (gone again since? then the refusal stands)
            var found = await store.StatAsync(key, ct).ConfigureAwait(false);
            if (found is null)
                throw;
            return new PutResult(false, found);
        }
    }
}
