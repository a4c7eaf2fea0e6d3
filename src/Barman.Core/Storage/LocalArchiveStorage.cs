using Barman.Core.Os;

namespace Barman.Core.Storage;

/// <summary>
/// The archive on a local POSIX filesystem (Barman's layout): <c>&lt;root&gt;/&lt;dir&gt;/&lt;name&gt;</c>,
/// compressed or not under the same name. Staged copies are <c>&lt;object&gt;.tmp</c> beside their
/// object, so that publishing one is a rename; a plain source is renamed into place.
/// </summary>
internal sealed class LocalArchiveStorage(string root) : IArchiveStorage
{
    /// <summary>The <c>wals</c> directory.</summary>
    public string Root { get; } = root;

    public string Locate(ArchiveKey key) => Path.Combine(Root, key.Directory, key.Name);

    /// <summary>Where the staged copy of <paramref name="key"/> is written: beside the object, on its filesystem.</summary>
    public string StagingPath(ArchiveKey key) => Locate(key) + ".tmp";

    /// <summary>The directory holding the object of <paramref name="key"/>.</summary>
    public string DirectoryOf(ArchiveKey key) => Path.GetDirectoryName(Locate(key))!;

    public ValueTask<StoredObject?> StatAsync(ArchiveKey key, CancellationToken cancellationToken) =>
        ValueTask.FromResult(FileCalls.Lstat(Locate(key)) is { } status ? new StoredObject(key, status.Size, status.PythonMtime) : null);

    public ValueTask<IReadOnlyList<StorageEntry>> ListAsync(string directory, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<StorageEntry>>(
            [.. DirectoryEntries.ReadSorted(Path.Combine(Root, directory), includeHidden: true).Select(e => new StorageEntry(e.Name, e.IsDirectory))]);

    public async ValueTask<IReadOnlyList<StoredObject>> ListObjectsAsync(string directory, CancellationToken cancellationToken)
    {
        var result = new List<StoredObject>();
        foreach (var entry in await ListAsync(directory, cancellationToken))
        {
            if (!entry.IsDirectory && await StatAsync(new ArchiveKey(directory, entry.Name), cancellationToken) is { } stored)
                result.Add(stored); // an object removed since the listing is skipped
        }
        return result;
    }

    public ValueTask<Stream> OpenReadAsync(ArchiveKey key, CancellationToken cancellationToken) =>
        ValueTask.FromResult<Stream>(new FileStream(Locate(key), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16));

    public ValueTask RemoveAsync(ArchiveKey key, CancellationToken cancellationToken)
    {
        DurableFile.DeleteIfExists(Locate(key));
        return ValueTask.CompletedTask;
    }

    public async ValueTask<long> StageAsync(ArchiveKey key, FileStatus like, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        DurableFile.CreateDirectoryDurably(DirectoryOf(key));
        return await DurableFile.WriteNewAsync(StagingPath(key), like, write, cancellationToken);
    }

    public ValueTask StageSourceAsync(ArchiveKey key, string source, CancellationToken cancellationToken)
    {
        DurableFile.CreateDirectoryDurably(DirectoryOf(key));
        // The rename makes the source the archive file: its data must be on disk first.
        using (var file = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1))
            FileCalls.Fsync(file.SafeFileHandle);
        return ValueTask.CompletedTask;
    }

    public ValueTask DiscardStagedAsync(ArchiveKey key, CancellationToken cancellationToken)
    {
        DurableFile.DeleteIfExists(StagingPath(key));
        return ValueTask.CompletedTask;
    }

    public IArchivePublication BeginPublication() => new LocalPublication(this);

    public ValueTask SyncAsync(IEnumerable<ArchiveKey> keys, CancellationToken cancellationToken)
    {
        foreach (var directory in keys.Select(DirectoryOf).Distinct(StringComparer.Ordinal))
            DurableFile.FsyncDirectory(directory);
        return ValueTask.CompletedTask;
    }
}
