using Barman.Core.Os;

namespace Barman.Core.Storage;

/// <summary>
/// A chunk published on the local filesystem: each file is renamed into place (RENAME_NOREPLACE:
/// an existing object is never replaced), and <see cref="FlushAsync"/> fsyncs each touched directory
/// once, however many files the chunk holds.
/// </summary>
internal sealed class LocalPublication(LocalArchiveStorage storage) : IArchivePublication
{
    private readonly HashSet<string> _touched = new(StringComparer.Ordinal);
    private readonly List<(ArchiveKey Key, string Source, bool Moved)> _published = [];

    public ValueTask<bool> PublishAsync(ArchiveKey key, string source, FileStatus sourceStatus, bool staged, CancellationToken cancellationToken)
    {
        var destination = storage.Locate(key);
        var moved = !staged;
        if (staged)
        {
            FileCalls.RenameNoReplace(storage.StagingPath(key), destination);
        }
        else
        {
            try
            {
                FileCalls.RenameNoReplace(source, destination);
            }
            catch (IOException e) when (e.HResult == FileCalls.EXDEV)
            {
                // The archive is on another filesystem: a durable copy, renamed into place.
                DurableFile.CopyDurably(source, storage.StagingPath(key), sourceStatus);
                FileCalls.RenameNoReplace(storage.StagingPath(key), destination);
                moved = false;
            }
        }
        _published.Add((key, source, moved));
        _touched.Add(Path.GetDirectoryName(destination)!);
        return ValueTask.FromResult(moved);
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        foreach (var directory in _touched)
            DurableFile.FsyncDirectory(directory);
        return ValueTask.CompletedTask;
    }

    public async ValueTask WithdrawAsync(CancellationToken cancellationToken)
    {
        foreach (var (key, source, moved) in _published)
        {
            if (moved)
                FileCalls.RenameNoReplace(storage.Locate(key), source);
            else
                await storage.RemoveAsync(key, cancellationToken);
        }
        await storage.SyncAsync(_published.Select(p => p.Key), cancellationToken);
    }
}
