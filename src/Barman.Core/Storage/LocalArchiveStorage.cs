using Barman.Core.Compression;
using Barman.Core.Logging;
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

    public ValueTask<CompressionFormat?> StoredFormatAsync(StoredObject stored, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Compressors.Identify(Locate(stored.Key)));

    public ValueTask RemoveAsync(ArchiveKey key, CancellationToken cancellationToken)
    {
        DurableFile.DeleteIfExists(Locate(key));
        return ValueTask.CompletedTask;
    }

    public async ValueTask<long> StageAsync(ArchiveKey key, FileStatus like, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        PrepareDirectory(key);
        return await DurableFile.WriteNewAsync(StagingPath(key), like, write, cancellationToken);
    }

    public ValueTask StageSourceAsync(ArchiveKey key, string source, CancellationToken cancellationToken)
    {
        PrepareDirectory(key);
        // The rename makes the source the archive file: it must be private (it keeps its mode, whatever
        // the umask or the transport gave it) and its data on disk first.
        using (var file = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1))
        {
            MakePrivate(file, source);
            FileCalls.Fsync(file.SafeFileHandle);
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>Creates the directory of <paramref name="key"/> 0700, or narrows an existing wider one (left by an older run).</summary>
    private void PrepareDirectory(ArchiveKey key)
    {
        var directory = DirectoryOf(key);
        DurableFile.CreateDirectoryDurably(directory);
        ModeChanges.Log(FileModes.Narrow(directory, FileModes.PrivateDirectory));
    }

    private static void MakePrivate(FileStream file, string path)
    {
        var mode = File.GetUnixFileMode(file.SafeFileHandle);
        if ((mode & ~FileModes.PrivateFile) == 0)
            return;
        try
        {
            FileModes.Set(file.SafeFileHandle, mode & FileModes.PrivateFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // another owner's file: archived as it is, and said so
            ModeChanges.Log(new ModeChange(path, mode, mode, e.Message));
        }
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
