using System.Buffers;

namespace Barman.Core.Transfer;

/// <summary>
/// get-wal's standard output when it cannot be truncated back (a pipe: ssh, barman-wal-restore; a
/// device): the bytes are held in memory (up to <see cref="Limit"/>, more than a segment of the usual
/// sizes) and written only by <see cref="ReleaseAsync"/>, once the whole file was read and
/// decompressed without error, so that a damaged archive file never leaves half a segment there.
/// Beyond the limit the bytes stream through (exit code only). A regular file on standard output is
/// written directly and rewound instead (<c>Os/DescriptorStream</c>).
/// </summary>
internal sealed class HeldOutput(Stream destination) : Stream
{
    /// <summary>64 MiB: every segment up to <c>--wal-segsize=64</c> is sent whole or not at all.</summary>
    public const int Limit = 64 << 20;

    private const int ChunkSize = 1 << 20;
    private readonly List<byte[]> _chunks = [];
    private int _held;
    private bool _streaming;

    /// <summary>
    /// The destination itself while nothing is held yet: for a caller that has made sure a whole file
    /// is good before its first byte leaves (a plain segment of the right length) and writes it there directly.
    /// </summary>
    public Stream? Unheld => _held == 0 && !_streaming ? destination : null;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (!_streaming && _held + buffer.Length > Limit)
        {
            WriteHeld();
            _streaming = true;
        }
        if (_streaming)
        {
            destination.Write(buffer);
            return;
        }
        while (buffer.Length > 0)
        {
            var offset = _held % ChunkSize;
            if (offset == 0)
                _chunks.Add(ArrayPool<byte>.Shared.Rent(ChunkSize));
            var n = Math.Min(ChunkSize - offset, buffer.Length);
            buffer[..n].CopyTo(_chunks[^1].AsSpan(offset));
            _held += n;
            buffer = buffer[n..];
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    /// <summary>Writes what is held to the destination and flushes it: the content is complete and good.</summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        WriteHeld();
        await destination.FlushAsync(cancellationToken);
    }

    private void WriteHeld()
    {
        for (var i = 0; i < _chunks.Count; i++)
        {
            var length = Math.Min(ChunkSize, _held - (i * ChunkSize));
            destination.Write(_chunks[i], 0, length);
            ArrayPool<byte>.Shared.Return(_chunks[i]);
        }
        _chunks.Clear();
        _held = 0;
    }

    public override void Flush()
    {
        // Nothing leaves before ReleaseAsync (a compressor flushes its stream when it is disposed).
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var chunk in _chunks)
                ArrayPool<byte>.Shared.Return(chunk);
            _chunks.Clear();
        }
        base.Dispose(disposing);
    }
}
