using System.Globalization;
using System.Text;

namespace Barman.Core.Os;

/// <summary>
/// Barman's lock files (<c>.&lt;server&gt;-&lt;kind&gt;.lock</c>): open O_CREAT 0600, flock, write the
/// owner's PID. The file is never deleted; liveness is "can I flock it", never "is the PID alive".
/// </summary>
internal sealed class LockFile : IDisposable
{
    private FileStream? _stream;

    public string Path { get; }

    private LockFile(string path, FileStream stream)
    {
        Path = path;
        _stream = stream;
    }

    public static string PathFor(string lockDirectory, string server, LockKind kind) =>
        System.IO.Path.Combine(lockDirectory, $".{server}-{KindSuffix(kind)}.lock");

    public static string KindSuffix(LockKind kind) => kind switch
    {
        LockKind.Cron => "cron",
        LockKind.ArchiveWal => "archive-wal",
        LockKind.ReceiveWal => "receive-wal",
        LockKind.Xlogdb => "xlogdb",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Takes the lock and writes our PID; null when another process holds it (non-blocking kinds).</summary>
    /// <exception cref="UnauthorizedAccessException">the lock file cannot be opened (Barman: LockFilePermissionDenied).</exception>
    public static LockFile? TryAcquire(string path, bool blocking = false)
    {
        var stream = Open(path);
        try
        {
            if (!Posix.TryLock(stream.SafeFileHandle, blocking))
            {
                stream.Dispose();
                return null;
            }
            var pid = Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
            stream.SetLength(0);
            stream.Position = 0;
            stream.Write(pid);
            stream.Flush();
            return new LockFile(path, stream);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    public static LockFile TryAcquire(string lockDirectory, string server, LockKind kind, bool blocking = false) =>
        TryAcquire(PathFor(lockDirectory, server, kind), blocking)!;

    /// <summary>Blocking acquisition (the xlogdb lock), cancellable between attempts.</summary>
    public static async Task<LockFile> AcquireAsync(string path, CancellationToken cancellationToken)
    {
        var delay = 5;
        while (true)
        {
            if (TryAcquire(path) is { } held)
                return held;
            await Task.Delay(delay, cancellationToken);
            delay = Math.Min(delay * 2, 100);
        }
    }

    /// <summary>
    /// Is the lock held by a live process? Returns the holder's PID (0 when unreadable) or null when free.
    /// Does not write anything (Barman's <c>get_owner_pid</c>).
    /// </summary>
    public static int? Holder(string path)
    {
        if (!File.Exists(path))
            return null;
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        using (stream)
        {
            if (Posix.TryLock(stream.SafeFileHandle, blocking: false))
            {
                Posix.Unlock(stream.SafeFileHandle);
                return null;
            }
            using var reader = new StreamReader(stream, Encoding.ASCII);
            var line = reader.ReadLine();
            return int.TryParse(line?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0;
        }
    }

    private static FileStream Open(string path)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.OpenOrCreate,
            Access = FileAccess.ReadWrite,
            Share = FileShare.ReadWrite | FileShare.Delete,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        return new FileStream(path, options);
    }

    public void Dispose()
    {
        if (_stream is null)
            return;
        Posix.Unlock(_stream.SafeFileHandle);
        _stream.Dispose();
        _stream = null;
    }
}

internal enum LockKind
{
    Cron,
    ArchiveWal,
    ReceiveWal,
    Xlogdb,
}
