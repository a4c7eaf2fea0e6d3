using Barman.Core.Os;

namespace Barman.Core.Transfer;

/// <summary>
/// get-wal's <c>-o DIR</c> file: written under a hidden temporary name in DIR, then fsynced, renamed
/// to <c>DIR/&lt;wal&gt;</c> and the directory fsynced. Disposed without <see cref="CommitAsync"/>
/// (WAL not found, read error), the temporary file is removed: DIR is left as it was (Barman 3.4
/// leaves an empty <c>DIR/&lt;wal&gt;</c>, which PostgreSQL may replay as an empty segment).
/// </summary>
internal sealed class OutputFile : IDisposable
{
    private readonly string _temporary;
    private bool _committed;

    private OutputFile(string directory, string name)
    {
        Destination = Path.Combine(directory, name);
        // Hidden and unique per process: never a WAL name, never another get-wal's file.
        _temporary = Path.Combine(directory, $".{name}.{Environment.ProcessId}.tmp");
        Stream = new FileStream(_temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
    }

    /// <summary><c>DIR/&lt;wal&gt;</c> as Barman prints it.</summary>
    public string Destination { get; }

    public FileStream Stream { get; }

    /// <summary>Creates the temporary file (the open error is Barman's <c>Unable to open</c>, exit 3).</summary>
    public static OutputFile Create(string directory, string name) => new(directory, name);

    /// <summary>Makes the file <c>DIR/&lt;wal&gt;</c>, durably (replacing an older one atomically).</summary>
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        await Stream.FlushAsync(cancellationToken);
        FileCalls.Fsync(Stream.SafeFileHandle);
        await Stream.DisposeAsync();
        FileCalls.Rename(_temporary, Destination);
        _committed = true;
        DurableFile.FsyncDirectory(Path.GetDirectoryName(Path.GetFullPath(Destination))!);
    }

    public void Dispose()
    {
        Stream.Dispose();
        if (!_committed)
            DurableFile.DeleteIfExists(_temporary);
    }
}
