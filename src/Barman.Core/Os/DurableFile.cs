namespace Barman.Core.Os;

/// <summary>
/// The durable file operations every WAL move is built from: a file is written under a temp name,
/// fsynced, renamed, and its directory fsynced; a source is never removed before its destination is durable.
/// </summary>
internal static class DurableFile
{
    private const int CopyBufferSize = 1 << 20;

    /// <summary>fsync of a regular file's data and metadata.</summary>
    public static void Fsync(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
        fs.Flush(flushToDisk: true);
    }

    public static void FsyncDirectory(string path) => Posix.FsyncDirectory(path);

    /// <summary>rename(2) that replaces; both paths must be on one filesystem.</summary>
    public static void Rename(string source, string destination) => File.Move(source, destination, overwrite: true);

    /// <summary>
    /// Creates a directory and its missing parents, each <see cref="FileModes.PrivateDirectory"/> whatever
    /// the umask, and fsyncs each parent whose entry it added.
    /// </summary>
    public static void CreateDirectoryDurably(string path)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
            return;
        var parent = Path.GetDirectoryName(full);
        if (parent is not null)
            CreateDirectoryDurably(parent);
        CreatePrivateDirectory(full);
        if (parent is not null)
            Posix.FsyncDirectory(parent);
    }

    /// <summary>
    /// mkdir of <paramref name="path"/> (its parent must exist) with <see cref="FileModes.PrivateDirectory"/>
    /// set explicitly: the umask only ever removes bits from what mkdir asks for. Nothing when it exists.
    /// </summary>
    public static void CreatePrivateDirectory(string path)
    {
        if (Directory.Exists(path))
            return;
        Directory.CreateDirectory(path, FileModes.PrivateDirectory);
        File.SetUnixFileMode(path, FileModes.PrivateDirectory);
    }

    /// <summary>
    /// Creates <paramref name="path"/> for writing (replacing a stale one), mode <see cref="FileModes.PrivateFile"/>
    /// whatever the umask or a replaced file's mode: WAL holds every row of the database.
    /// </summary>
    public static FileStream CreatePrivate(string path, int bufferSize = 4096)
    {
        var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = bufferSize,
            UnixCreateMode = FileModes.PrivateFile,
        });
        try
        {
            FileModes.Set(stream.SafeFileHandle, FileModes.PrivateFile);
            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes <paramref name="contents"/> atomically and durably (temp + fsync + rename + fsync dir),
    /// mode <see cref="FileModes.PrivateFile"/> whatever the umask.
    /// </summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> contents)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var tmp = path + ".tmp";
        using (var fs = CreatePrivate(tmp))
        {
            fs.Write(contents);
            fs.Flush(flushToDisk: true);
        }
        File.Move(tmp, path, overwrite: true);
        Posix.FsyncDirectory(dir);
    }

    /// <summary>
    /// Creates <paramref name="path"/> (replacing a stale one), lets <paramref name="write"/> fill it,
    /// gives it the times of <paramref name="like"/> and <see cref="FileModes.PrivateFile"/> whatever
    /// the umask or the source's mode (WAL holds every row of the database), and fsyncs it. Returns its length.
    /// </summary>
    public static async Task<long> WriteNewAsync(string path, FileStatus like, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        await using var target = CreatePrivate(path, CopyBufferSize);
        await write(target, cancellationToken);
        await target.FlushAsync(cancellationToken);
        FileCalls.SetTimes(target.SafeFileHandle, like);
        FileCalls.Fsync(target.SafeFileHandle);
        return target.Length;
    }

    /// <summary>
    /// Copies <paramref name="source"/> to <paramref name="temporary"/> with the times of
    /// <paramref name="status"/>, mode <see cref="FileModes.PrivateFile"/>, fsynced.
    /// </summary>
    public static void CopyDurably(string source, string temporary, FileStatus status)
    {
        using (var input = OpenSequential(source))
        using (var output = CreatePrivate(temporary, CopyBufferSize))
        {
            input.CopyTo(output, CopyBufferSize);
            output.Flush();
            FileCalls.SetTimes(output.SafeFileHandle, status);
            FileCalls.Fsync(output.SafeFileHandle);
        }
    }

    /// <summary>Opens a file for a sequential read that never blocks its rename or removal by others.</summary>
    public static FileStream OpenSequential(string path, int bufferSize = CopyBufferSize) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize, FileOptions.SequentialScan);

    /// <summary>Removes a file; nothing when it (or its directory) is already gone.</summary>
    public static void DeleteIfExists(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    /// <summary>
    /// Replaces <paramref name="path"/> atomically and durably with <paramref name="contents"/>, mode
    /// <paramref name="mode"/> whatever the umask: a temp file of its own in the same directory
    /// (so concurrent writers never share one), fsync, rename, fsync of the directory. Readers see the
    /// old file or the new one, never a part; the temp file is removed on failure.
    /// </summary>
    public static void Replace(string path, ReadOnlySpan<byte> contents, UnixFileMode mode)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        var tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(tmp, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = mode }))
            {
                File.SetUnixFileMode(fs.SafeFileHandle, mode);
                fs.Write(contents);
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            File.Delete(tmp);
            throw;
        }
        Posix.FsyncDirectory(dir);
    }
}
