using System.Runtime.InteropServices;

namespace Barman.Core.Os;

/// <summary>statx/futimens/renameat2: the file calls .NET does not expose with the precision or atomicity we need.</summary>
internal static partial class FileCalls
{
    private const int AT_FDCWD = -100;
    private const int AT_SYMLINK_NOFOLLOW = 0x100;
    private const int AT_EMPTY_PATH = 0x1000;
    private const uint STATX_BASIC_STATS = 0x7ff;
    private const uint RENAME_NOREPLACE = 1;
    public const int ENOENT = 2, EEXIST = 17, EXDEV = 18, EINVAL = 22, ENOSYS = 38, ENOSPC = 28;

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int dirfd, string path, int flags, uint mask, Span<byte> buffer);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int renameat2(int olddirfd, string oldpath, int newdirfd, string newpath, uint flags);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int rename(string oldpath, string newpath);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int futimens(int fd, ReadOnlySpan<long> times);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fsync(int fd);

    /// <summary>lstat of <paramref name="path"/>; null when it does not exist.</summary>
    /// <exception cref="IOException">any other failure (permission denied, I/O error), with the errno text.</exception>
    public static FileStatus? Lstat(string path)
    {
        Span<byte> buffer = stackalloc byte[256];
        if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, buffer) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno is ENOENT or 20 /* ENOTDIR */)
                return null;
            throw Failure(errno, path);
        }
        return Parse(buffer);
    }

    /// <summary>fstat of an open file descriptor (standard output, say).</summary>
    /// <exception cref="IOException">the descriptor is not open, or another failure.</exception>
    public static FileStatus StatDescriptor(int descriptor)
    {
        Span<byte> buffer = stackalloc byte[256];
        if (statx(descriptor, "", AT_EMPTY_PATH, STATX_BASIC_STATS, buffer) != 0)
            throw Failure(Marshal.GetLastPInvokeError(), $"file descriptor {descriptor}");
        return Parse(buffer);
    }

    private static FileStatus Parse(ReadOnlySpan<byte> buffer)
    {
        // struct statx is arch-independent: mode u16 at 28, ino u64 at 32, size u64 at 40, stx_mtime {i64 sec, u32 nsec} at 112.
        var mode = MemoryMarshal.Read<ushort>(buffer[28..]);
        var inode = MemoryMarshal.Read<long>(buffer[32..]);
        var size = MemoryMarshal.Read<long>(buffer[40..]);
        var sec = MemoryMarshal.Read<long>(buffer[112..]);
        var nsec = MemoryMarshal.Read<uint>(buffer[120..]);
        var kind = (mode & 0xF000) switch
        {
            0x8000 => FileStatusKind.Regular,
            0x4000 => FileStatusKind.Directory,
            0xA000 => FileStatusKind.Symlink,
            _ => FileStatusKind.Other,
        };
        return new FileStatus(size, sec, nsec, (UnixFileMode)(mode & 0xFFF), kind, inode);
    }

    /// <summary>
    /// rename(2) that never replaces an existing destination (renameat2 RENAME_NOREPLACE; plain
    /// rename where the filesystem lacks it). Throws <see cref="IOException"/> with the errno
    /// (<see cref="EXDEV"/> across filesystems, <see cref="EEXIST"/> when the destination exists).
    /// </summary>
    public static void RenameNoReplace(string source, string destination)
    {
        if (renameat2(AT_FDCWD, source, AT_FDCWD, destination, RENAME_NOREPLACE) == 0)
            return;
        var errno = Marshal.GetLastPInvokeError();
        if (errno is EINVAL or ENOSYS)
        {
            if (Lstat(destination) is not null)
                throw Failure(EEXIST, destination);
            Rename(source, destination);
            return;
        }
        throw Failure(errno, source);
    }

    /// <summary>rename(2), replacing the destination.</summary>
    public static void Rename(string source, string destination)
    {
        if (rename(source, destination) != 0)
            throw Failure(Marshal.GetLastPInvokeError(), source);
    }

    /// <summary>Sets atime and mtime of an open file with nanosecond precision (Python's <c>copystat</c>).</summary>
    public static void SetTimes(SafeHandle file, FileStatus from)
    {
        ReadOnlySpan<long> times = [from.MtimeSeconds, from.MtimeNanoseconds, from.MtimeSeconds, from.MtimeNanoseconds];
        if (futimens((int)file.DangerousGetHandle(), times) != 0)
            throw Failure(Marshal.GetLastPInvokeError(), "futimens");
    }

    public static void Fsync(SafeHandle file)
    {
        if (fsync((int)file.DangerousGetHandle()) != 0)
            throw Failure(Marshal.GetLastPInvokeError(), "fsync");
    }

    /// <summary>An <see cref="IOException"/> whose message is the errno text (e.g. "No space left on device").</summary>
    public static IOException Failure(int errno, string path) =>
        new($"{Marshal.GetPInvokeErrorMessage(errno)}: '{path}'", errno);
}
