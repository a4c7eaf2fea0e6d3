using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Barman.Core.Os;

/// <summary>
/// A write-only stream over a file descriptor the process inherited (standard output: get-wal's
/// <c>&gt; %p</c>), written with write(2), never closed by us. It tells what the descriptor is, and
/// a regular file written at its end can be rewound: <see cref="TryMarkRewindPoint"/> remembers the
/// file's length, <see cref="Rewind"/> truncates the file back to it, so a failed run leaves the
/// file as it found it without holding the data in memory first.
/// </summary>
internal sealed partial class DescriptorStream(int descriptor) : Stream
{
    /// <summary>The process's standard output.</summary>
    public const int StandardOutput = 1;

    private const int SEEK_SET = 0, SEEK_CUR = 1, F_GETFL = 3, O_APPEND = 0x400, EINTR = 4;
    private long? _rewindPoint;

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint write(int fd, ReadOnlySpan<byte> buffer, nint count);

    [LibraryImport("libc", SetLastError = true)]
    private static partial long lseek(int fd, long offset, int whence);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fcntl(int fd, int command);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int ftruncate(int fd, long length);

    public int Descriptor => descriptor;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>
    /// When the descriptor is a regular file written at its end (opened with <c>&gt;</c>, <c>&gt;&gt;</c>,
    /// or at its end), remembers its length and returns true; false for a pipe, a device, or a file
    /// whose bytes past the current offset a rewind would lose.
    /// </summary>
    public bool TryMarkRewindPoint()
    {
        FileStatus status;
        try
        {
            status = FileCalls.StatDescriptor(descriptor);
        }
        catch (IOException)
        {
            return false;
        }
        if (!status.IsRegularFile)
            return false;
        var flags = fcntl(descriptor, F_GETFL);
        var offset = lseek(descriptor, 0, SEEK_CUR);
        if (flags < 0 || offset < 0 || ((flags & O_APPEND) == 0 && offset != status.Size))
            return false;
        _rewindPoint = status.Size;
        return true;
    }

    /// <summary>Truncates the file back to its marked length and moves the offset there (the shell shares it).</summary>
    /// <exception cref="IOException">ftruncate failed.</exception>
    public void Rewind()
    {
        if (_rewindPoint is not { } length)
            throw new InvalidOperationException("no rewind point was marked");
        if (ftruncate(descriptor, length) != 0)
            throw FileCalls.Failure(Marshal.GetLastPInvokeError(), "standard output");
        _ = lseek(descriptor, length, SEEK_SET);
    }

    /// <summary>
    /// Copies <paramref name="length"/> bytes of <paramref name="source"/> from its start to the
    /// descriptor inside the kernel (<see cref="KernelCopy"/>); false, with nothing written, when the
    /// kernel cannot copy between these two files (the caller copies through user space then).
    /// </summary>
    /// <exception cref="IOException">the copy failed part way, or the source ended early.</exception>
    public bool TryCopyFrom(SafeFileHandle source, long length) => KernelCopy.TryCopy(source, length, descriptor, toRegularFile: _rewindPoint is not null);

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (buffer.Length > 0)
        {
            var written = write(descriptor, buffer, buffer.Length);
            if (written < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == EINTR)
                    continue;
                throw FileCalls.Failure(errno, "standard output");
            }
            buffer = buffer[(int)written..];
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override void Flush()
    {
        // write(2) is unbuffered.
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
