using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Barman.Core.Os;

/// <summary>
/// Copies a file's bytes to a descriptor without passing them through user space: copy_file_range(2)
/// to a regular file (a page-cache copy, or a reflink where the filesystem shares extents), sendfile(2)
/// to anything else (a pipe, /dev/null) and where copy_file_range refuses (across filesystems on old
/// kernels, an O_APPEND file).
/// </summary>
internal static partial class KernelCopy
{
    private const int EINTR = 4, EBADF = 9, EXDEV = 18, EINVAL = 22, ENOSYS = 38, EOPNOTSUPP = 95;
    private const int ChunkSize = 1 << 30;

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint copy_file_range(int inFd, ref long inOffset, int outFd, nint outOffset, nuint length, uint flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint sendfile(int outFd, int inFd, ref long offset, nuint count);

    /// <summary>
    /// Copies the first <paramref name="length"/> bytes of <paramref name="source"/> to <paramref name="destination"/>
    /// at its current offset; false, with nothing written, when neither call supports this pair of files.
    /// </summary>
    /// <exception cref="IOException">a call failed after the copy began, or the source ended before <paramref name="length"/> bytes.</exception>
    public static bool TryCopy(SafeFileHandle source, long length, int destination, bool toRegularFile)
    {
        var input = (int)source.DangerousGetHandle();
        long offset = 0;
        var useCopyFileRange = toRegularFile;
        while (offset < length)
        {
            var count = (nuint)Math.Min(length - offset, ChunkSize);
            var copied = useCopyFileRange
                ? copy_file_range(input, ref offset, destination, 0, count, 0)
                : sendfile(destination, input, ref offset, count);
            if (copied > 0)
                continue;
            if (copied == 0)
                throw new IOException($"the file ended after {offset} of its {length} bytes", new EndOfStreamException());
            var errno = Marshal.GetLastPInvokeError();
            if (errno == EINTR)
                continue;
            if (offset == 0 && useCopyFileRange && errno is EXDEV or EINVAL or ENOSYS or EOPNOTSUPP or EBADF)
            {
                useCopyFileRange = false;
                continue;
            }
            if (offset == 0 && errno is EINVAL or ENOSYS)
                return false;
            throw new IOException(Marshal.GetPInvokeErrorMessage(errno), errno);
        }
        return true;
    }
}
