namespace Barman.Core.Os;

/// <summary>
/// The durable file operations every WAL move is built from: a file is written under a temp name,
/// fsynced, renamed, and its directory fsynced; a source is never removed before its destination is durable.
/// </summary>
internal static class DurableFile
{
    /// <summary>fsync of a regular file's data and metadata.</summary>
    public static void Fsync(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
        fs.Flush(flushToDisk: true);
    }

    public static void FsyncDirectory(string path) => Posix.FsyncDirectory(path);

    /// <summary>rename(2) that replaces; both paths must be on one filesystem.</summary>
    public static void Rename(string source, string destination) => File.Move(source, destination, overwrite: true);

    /// <summary>Creates a directory (and parents) and fsyncs each parent whose entry it added.</summary>
    public static void CreateDirectoryDurably(string path)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
            return;
        var parent = Path.GetDirectoryName(full);
        if (parent is not null)
            CreateDirectoryDurably(parent);
        Directory.CreateDirectory(full);
        if (parent is not null)
            Posix.FsyncDirectory(parent);
    }

    /// <summary>Writes <paramref name="contents"/> atomically and durably (temp + fsync + rename + fsync dir).</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> contents)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var tmp = path + ".tmp";
        using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            fs.Write(contents);
            fs.Flush(flushToDisk: true);
        }
        File.Move(tmp, path, overwrite: true);
        Posix.FsyncDirectory(dir);
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
