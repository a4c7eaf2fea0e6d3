using System.Runtime.InteropServices;

namespace Barman.Core.Os;

/// <summary>The few libc calls .NET does not expose (flock, fsync of a directory, kill, setsid, users).</summary>
internal static partial class Posix
{
    public const int SIGHUP = 1, SIGINT = 2, SIGKILL = 9, SIGTERM = 15;
    public const int ESRCH = 3, EINTR = 4, EACCES = 13, EAGAIN = 11, EPERM = 1;
    private const int LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8;
    private const int O_RDONLY = 0, O_DIRECTORY = 0x10000, O_CLOEXEC = 0x80000;
    private const int O_WRONLY = 1, O_CREAT = 0x40, O_EXCL = 0x80, O_APPEND = 0x400;
    private const int EEXIST = 17;

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags, uint mode);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int flock(int fd, int operation);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fsync(int fd);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int stat(string path, Span<byte> buf);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int syncfs(int fd);

    [LibraryImport("libc")]
    private static partial uint geteuid();

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int access(string path, int mode);

    [LibraryImport("libc")]
    private static partial int getsid(int pid);

    /// <summary>
    /// access(W_OK|X_OK): 0 when the calling user may create and remove entries in directory
    /// <paramref name="path"/>, otherwise the errno that refuses it (EACCES, EPERM, EROFS, ENOENT...).
    /// </summary>
    public static int DirectoryWriteRefusal(string path)
    {
        const int W_OK = 2, X_OK = 1;
        return access(path, W_OK | X_OK) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>flock(LOCK_EX[|LOCK_NB]) on an open file; false when another process holds it.</summary>
    public static bool TryLock(SafeHandle file, bool blocking)
    {
        var fd = (int)file.DangerousGetHandle();
        while (true)
        {
            if (flock(fd, LOCK_EX | (blocking ? 0 : LOCK_NB)) == 0)
                return true;
            var errno = Marshal.GetLastPInvokeError();
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN)
                return false;
            throw new IOException($"flock failed: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
        }
    }

    public static void Unlock(SafeHandle file) => _ = flock((int)file.DangerousGetHandle(), LOCK_UN);

    /// <summary>fsync of a directory, so that a rename or create inside it survives a crash.</summary>
    public static void FsyncDirectory(string path)
    {
        var fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"cannot open directory '{path}': {Marshal.GetPInvokeErrorMessage(errno)}", errno);
        }
        try
        {
            if (fsync(fd) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                throw new IOException($"fsync of directory '{path}' failed: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
            }
        }
        finally
        {
            close(fd);
        }
    }

    /// <summary>syncfs of the filesystem holding <paramref name="path"/> (one flush for a whole batch).</summary>
    public static void SyncFileSystem(string path)
    {
        var fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            throw new IOException($"cannot open '{path}'", Marshal.GetLastPInvokeError());
        try
        {
            if (syncfs(fd) != 0)
                throw new IOException($"syncfs of '{path}' failed", Marshal.GetLastPInvokeError());
        }
        finally
        {
            close(fd);
        }
    }

    /// <summary>
    /// Opens a file for appending with a real O_APPEND (.NET's FileMode.Append only seeks to the end
    /// once, so several processes sharing a log file would overwrite each other's lines). With O_APPEND
    /// every write lands at the current end, as with Python's logging in mode 'a'. A file it creates
    /// gets exactly <paramref name="mode"/>, whatever the umask; an existing one is narrowed to it.
    /// </summary>
    public static Microsoft.Win32.SafeHandles.SafeFileHandle OpenForAppend(string path, UnixFileMode mode)
    {
        var created = true;
        var fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, (uint)mode);
        if (fd < 0 && Marshal.GetLastPInvokeError() == EEXIST)
        {
            created = false;
            fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC, 0);
        }
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            var message = $"cannot open '{path}': {Marshal.GetPInvokeErrorMessage(errno)}";
            throw errno == EACCES ? new UnauthorizedAccessException(message) : new IOException(message, errno);
        }
        var handle = new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true);
        try
        {
            var current = File.GetUnixFileMode(handle);
            if (created ? current != mode : (current & ~mode) != 0)
                File.SetUnixFileMode(handle, created ? mode : current & mode);
        }
        catch (UnauthorizedAccessException)
        {
            // Another user's file (a log shared with root's runs): appending is all we need.
        }
        return handle;
    }

    /// <summary>Sends a signal; returns false when the process does not exist (ESRCH).</summary>
    public static bool Kill(int pid, int signal)
    {
        if (kill(pid, signal) == 0)
            return true;
        var errno = Marshal.GetLastPInvokeError();
        if (errno == ESRCH)
            return false;
        if (errno == EPERM)
            return true; // exists, but is not ours
        throw new IOException($"kill({pid}, {signal}) failed: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
    }

    public static bool IsAlive(int pid) => pid > 0 && Kill(pid, 0);

    public static int SessionId(int pid) => getsid(pid);

    public static uint EffectiveUserId => geteuid();

    /// <summary>(device, inode) of a path, or null when it does not exist.</summary>
    public static (long Device, long Inode)? FileIdentity(string path)
    {
        Span<byte> buf = stackalloc byte[256];
        if (stat(path, buf) != 0)
            return null;
        // st_dev and st_ino are the first two 64-bit fields on x86_64 and aarch64 glibc.
        return (MemoryMarshal.Read<long>(buf), MemoryMarshal.Read<long>(buf[8..]));
    }
}
