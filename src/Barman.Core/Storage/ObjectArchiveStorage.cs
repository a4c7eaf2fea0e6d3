using Barman.Core.Compression;
using Barman.Core.Os;
using Barman.Core.Storage.ObjectStore;

namespace Barman.Core.Storage;

/// <summary>
/// The archive of one server on an object store, in barman-cloud-wal-archive's layout
/// (<see cref="ObjectLayout"/>) under <c>PATH/SERVER/wals/</c>. A key is found by one listing of its
/// name (whatever its extension). Staged copies are local files in <see cref="StagingDirectory"/> (the
/// source stays until its upload is confirmed, so they need no fsync); publishing uploads them (or a
/// plain source) with a conditional create, several at once (<see cref="ObjectPublication"/>).
/// Reads are downloaded to an unlinked local file so that readers get the seekable stream of the contract.
/// </summary>
internal sealed class ObjectArchiveStorage(IObjectStore store, string prefix, string url, string stagingDirectory, int uploadJobs) : IArchiveStorage
{
    public IObjectStore Store { get; } = store;

    /// <summary>The key prefix of this server's archive: <c>PATH/SERVER/wals/</c>.</summary>
    public string Prefix { get; } = prefix;

    /// <summary>Local directory of the staged (compressed) copies and of downloads.</summary>
    public string StagingDirectory { get; } = stagingDirectory;

    /// <summary>Uploads in flight at once in one publication.</summary>
    public int UploadJobs { get; } = Math.Max(1, uploadJobs);

    /// <summary>The archive's URL (<c>s3://bucket/path/SERVER/wals/</c>), for messages.</summary>
    public string Url { get; } = url.TrimEnd('/') + "/";

    public string Locate(ArchiveKey key) => Url + (key.Directory.Length == 0 ? "" : key.Directory + "/") + key.Name;

    /// <summary>Where the staged copy of <paramref name="key"/> is written.</summary>
    public string StagingPath(ArchiveKey key) => Path.Combine(StagingDirectory, key.Name + ".tmp");

    public async ValueTask<StoredObject?> StatAsync(ArchiveKey key, CancellationToken cancellationToken) =>
        await FindAsync(key, cancellationToken) is { } found ? Stored(key, found) : null;

    /// <summary>The object holding <paramref name="key"/> (with its extension), or null.</summary>
    public async Task<ObjectInfo?> FindAsync(ArchiveKey key, CancellationToken cancellationToken)
    {
        var baseName = ObjectLayout.BaseName(Prefix, key);
        await foreach (var info in Store.ListAsync(baseName, cancellationToken))
        {
            if (ObjectLayout.Matches(info.Key, baseName))
                return info;
        }
        return null;
    }

    public async ValueTask<IReadOnlyList<StorageEntry>> ListAsync(string directory, CancellationToken cancellationToken)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        var directories = new SortedSet<string>(StringComparer.Ordinal);
        var under = DirectoryPrefix(directory);
        await foreach (var info in Store.ListAsync(under, cancellationToken))
        {
            var relative = info.Key[under.Length..];
            var slash = relative.IndexOf('/', StringComparison.Ordinal);
            if (slash > 0)
                directories.Add(relative[..slash]);
            else if (ObjectLayout.NameOf(relative) is { } name)
                names.Add(name);
        }
        return [.. directories.Select(d => new StorageEntry(d, true)).Concat(names.Select(n => new StorageEntry(n, false))).OrderBy(e => e.Name, StringComparer.Ordinal)];
    }

    public async ValueTask<IReadOnlyList<StoredObject>> ListObjectsAsync(string directory, CancellationToken cancellationToken)
    {
        var result = new SortedDictionary<string, StoredObject>(StringComparer.Ordinal);
        var under = DirectoryPrefix(directory);
        await foreach (var info in Store.ListAsync(under, cancellationToken))
        {
            if (ObjectLayout.NameOf(info.Key[under.Length..]) is { } name)
                result.TryAdd(name, Stored(new ArchiveKey(directory, name), info));
        }
        return [.. result.Values];
    }

    public async ValueTask<Stream> OpenReadAsync(ArchiveKey key, CancellationToken cancellationToken)
    {
        var found = await FindAsync(key, cancellationToken)
            ?? throw new FileNotFoundException($"{Store.Name}: {ObjectLayout.BaseName(Prefix, key)} not found", Locate(key));
        DurableFile.CreateDirectoryDurably(StagingDirectory);
        var path = Path.Combine(StagingDirectory, $".read-{Guid.NewGuid():N}");
        var local = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        try
        {
            // Nameless from here on: a reader killed with -9 (a duplicate check, a get-wal) leaves no download behind.
            File.Delete(path);
            await using (var body = await Store.OpenReadAsync(found.Key, cancellationToken))
                await body.CopyToAsync(local, 1 << 20, cancellationToken);
            local.Position = 0;
            return local;
        }
        catch
        {
            await local.DisposeAsync();
            throw;
        }
    }

    /// <summary>By the object's extension; by its magic bytes (a download) only for an extension that does not tell, or an object known by key alone.</summary>
    public async ValueTask<CompressionFormat?> StoredFormatAsync(StoredObject stored, CancellationToken cancellationToken)
    {
        var baseName = ObjectLayout.BaseName(Prefix, stored.Key);
        if (stored.ObjectName is { } name && ObjectLayout.Matches(name, baseName) && ObjectLayout.TryFormatOf(name[baseName.Length..], out var format))
            return format;
        await using var body = await OpenReadAsync(stored.Key, cancellationToken);
        var header = new byte[Compressors.MagicLength];
        var read = await body.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellationToken);
        return Compressors.Identify(header.AsSpan(0, read));
    }

    public async ValueTask RemoveAsync(ArchiveKey key, CancellationToken cancellationToken)
    {
        if (await FindAsync(key, cancellationToken) is { } found)
            await Store.DeleteAsync(found.Key, cancellationToken);
    }

    public async ValueTask<long> StageAsync(ArchiveKey key, FileStatus like, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        DurableFile.CreateDirectoryDurably(StagingDirectory);
        await using var target = DurableFile.CreatePrivate(StagingPath(key), 1 << 20);
        await write(target, cancellationToken);
        await target.FlushAsync(cancellationToken);
        // no fsync: the source stays until the upload of this copy is confirmed
        return target.Length;
    }

    public ValueTask StageSourceAsync(ArchiveKey key, string source, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask DiscardStagedAsync(ArchiveKey key, CancellationToken cancellationToken)
    {
        DurableFile.DeleteIfExists(StagingPath(key));
        return ValueTask.CompletedTask;
    }

    public IArchivePublication BeginPublication() => new ObjectPublication(this);

    /// <summary>An upload is durable once confirmed: nothing to sync; the staged copies of these published keys are dropped.</summary>
    public ValueTask SyncAsync(IEnumerable<ArchiveKey> keys, CancellationToken cancellationToken)
    {
        foreach (var key in keys)
            DurableFile.DeleteIfExists(StagingPath(key));
        return ValueTask.CompletedTask;
    }

    /// <summary>Proves the archive reachable and writable: creates a small object beside the hash directories, then removes it.</summary>
    public async Task ProbeAsync(CancellationToken cancellationToken)
    {
        var key = $"{Prefix}.barman-check-{Environment.ProcessId}-{Guid.NewGuid():N}";
        using var content = new MemoryStream("barman check: the archive is writable\n"u8.ToArray());
        await Store.PutIfAbsentAsync(key, content, cancellationToken);
        await Store.DeleteAsync(key, cancellationToken);
    }

    private string DirectoryPrefix(string directory) => Prefix + (directory.Length == 0 ? "" : directory.TrimEnd('/') + "/");

    private static StoredObject Stored(ArchiveKey key, ObjectInfo info) =>
        new(key, info.Size, info.LastModified == DateTimeOffset.MinValue ? 0 : info.LastModified.ToUnixTimeMilliseconds() / 1000.0, info.Key);
}
