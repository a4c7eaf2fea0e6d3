using Barman.Core.Compression;
using Barman.Core.Storage;
using Microsoft.Win32.SafeHandles;

namespace Barman.Core.Wal;

/// <summary>A WAL file that could not be read back: a damaged compressed file, or a read error of the storage.</summary>
internal sealed class WalReadException(string message, Exception inner) : IOException(message, inner);

/// <summary>
/// One stored WAL file opened for reading, on any storage: the bytes as stored, their compression
/// (told by the magic bytes, as on every storage: <see cref="Compressors.Identify(ReadOnlySpan{byte})"/>),
/// and its original bytes, decompressed from whatever format the archive holds (plain, gzip, bzip2,
/// lz4, zstd). The one reader of archived WAL content: get-wal sends it, rebuild-xlogdb reads its header,
/// verify-wal walks it (<see cref="OpenForWalkAsync"/>).
/// A read or decompression failure surfaces as <see cref="WalReadException"/>, so a caller can tell a
/// damaged archive file from an error of its own destination; so does a WAL segment whose original
/// bytes are not exactly its segment size (<see cref="WalSegmentLength"/>): a truncated file, which
/// some decoders (.NET's gzip) end silently, is never served as a good one.
/// </summary>
internal sealed class ArchivedWal : IDisposable, IAsyncDisposable
{
    private ArchivedWal(Stream stored, CompressionFormat? format)
    {
        Stored = stored;
        StoredFormat = format;
    }

    /// <summary>The stored (possibly compressed) bytes, from their start; owned by this object.</summary>
    public Stream Stored { get; }

    /// <summary>The compression of the stored bytes, or null for a plain file.</summary>
    public CompressionFormat? StoredFormat { get; }

    /// <summary>
    /// The archived file of <paramref name="key"/>, read through <paramref name="storage"/>, or null when
    /// the key is free. The open is the look (no stat first): on an object store each look is a listing.
    /// </summary>
    /// <exception cref="WalReadException">the object is there but cannot be read.</exception>
    public static async ValueTask<ArchivedWal?> TryOpenAsync(IArchiveStorage storage, ArchiveKey key, CancellationToken cancellationToken)
    {
        Stream stored;
        try
        {
            stored = await storage.OpenReadAsync(key, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        return Open(stored);
    }

    /// <summary>The archived WAL file named <paramref name="walName"/> (its key by <see cref="WalLayout.KeyOf"/>), or null.</summary>
    public static ValueTask<ArchivedWal?> TryOpenAsync(IArchiveStorage storage, string walName, CancellationToken cancellationToken) =>
        TryOpenAsync(storage, WalLayout.KeyOf(walName), cancellationToken);

    /// <summary>Any seekable stream of stored WAL bytes (a queued file of incoming/ or streaming/), which this object then owns.</summary>
    /// <exception cref="WalReadException">its first bytes cannot be read.</exception>
    public static ArchivedWal Open(Stream stored)
    {
        try
        {
            Span<byte> header = stackalloc byte[Compressors.MagicLength];
            var read = stored.ReadAtLeast(header, Compressors.MagicLength, throwOnEndOfStream: false);
            stored.Position = 0;
            return new ArchivedWal(stored, Compressors.Identify(header[..read]));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            stored.Dispose();
            throw Damaged(e, null);
        }
    }

    /// <summary>
    /// The original WAL bytes (a decompressing view of <see cref="Stored"/>, or the stored bytes when
    /// plain), read once, from the start. Disposing it leaves <see cref="Stored"/> to this object.
    /// </summary>
    /// <exception cref="WalReadException">a decoder refuses the header at once.</exception>
    public Stream OpenOriginal() => OpenOriginal(wholeSegment: true, ownsStored: false);

    /// <summary>
    /// The original bytes of the archived file <paramref name="key"/> as verify-wal walks them: decompressed and
    /// failing as <see cref="OpenOriginal()"/>, but a segment of the wrong length is served as it is (the walk
    /// reports it, saying where the WAL stops), and a plain file stays seekable, so that the walk can take the
    /// length of a segment ended by XLOG_SWITCH without reading its padding. The stream owns the stored file.
    /// </summary>
    /// <exception cref="WalReadException">the file cannot be read or decompressed.</exception>
    public static async Task<Stream> OpenForWalkAsync(IArchiveStorage storage, ArchiveKey key, CancellationToken cancellationToken) =>
        OpenForWalk(await storage.OpenReadAsync(key, cancellationToken));

    /// <summary><see cref="OpenForWalkAsync"/> over any seekable stream of stored WAL bytes, which the returned stream owns.</summary>
    public static Stream OpenForWalk(Stream stored)
    {
        var wal = Open(stored);
        try
        {
            return wal.OpenOriginal(wholeSegment: false, ownsStored: true);
        }
        catch
        {
            wal.Dispose();
            throw;
        }
    }

    private Stream OpenOriginal(bool wholeSegment, bool ownsStored)
    {
        Stream decoded;
        try
        {
            decoded = StoredFormat is { } format ? Compressors.For(format).Decompress(Stored) : Stored;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw Damaged(e, StoredFormat);
        }
        return new ReadFailureStream(decoded, StoredFormat, ownsInner: StoredFormat is not null, checkSegmentLength: wholeSegment)
        {
            OwnedStored = ownsStored ? Stored : null,
        };
    }

    /// <summary>
    /// The stored file itself when it is a plain WAL segment on local disk exactly as long as the
    /// segment size its first page header declares: then its bytes are its original bytes, whole, and
    /// can be copied as they are (in the kernel). Null otherwise (compressed, not a segment, the wrong
    /// length, another storage): read those through <see cref="OpenOriginal()"/>, which checks.
    /// </summary>
    /// <exception cref="WalReadException">its header or length cannot be read.</exception>
    public (SafeFileHandle File, long Length)? PlainSegmentFile()
    {
        if (StoredFormat is not null || Stored is not FileStream file)
            return null;
        try
        {
            var handle = file.SafeFileHandle;
            Span<byte> header = stackalloc byte[WalSegmentLength.LongHeaderSize];
            var read = RandomAccess.Read(handle, header, 0);
            var length = RandomAccess.GetLength(handle);
            return WalSegmentLength.DeclaredSize(header[..read]) == length ? (handle, length) : null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw Damaged(e, null);
        }
    }

    /// <summary>The stored bytes as they are, read once from the start; read failures as <see cref="WalReadException"/>.</summary>
    public Stream OpenStored() => new ReadFailureStream(Stored, null, ownsInner: false, checkSegmentLength: false);

    /// <summary>Writes the original bytes into <paramref name="destination"/>.</summary>
    /// <exception cref="WalReadException">the stored file cannot be read or decompressed (write failures keep their own type).</exception>
    public async Task CopyOriginalToAsync(Stream destination, CancellationToken cancellationToken)
    {
        await using var original = OpenOriginal();
        await CopyAsync(original, destination, cancellationToken);
    }

    /// <summary>Writes the stored bytes as they are into <paramref name="destination"/> (read failures as <see cref="WalReadException"/>).</summary>
    public async Task CopyStoredToAsync(Stream destination, CancellationToken cancellationToken)
    {
        await using var stored = OpenStored();
        await CopyAsync(stored, destination, cancellationToken);
    }

    private async Task CopyAsync(Stream source, Stream destination, CancellationToken cancellationToken)
    {
        const int BufferSize = 1 << 20;
        if (Stored is not FileStream)
        {
            await source.CopyToAsync(destination, BufferSize, cancellationToken);
            return;
        }
        // A local file is read synchronously: .NET has no asynchronous file I/O on Unix (every ReadAsync
        // of a FileStream is a hop to the thread pool, which a one-segment get-wal process would start
        // for it), and the destination is this process's stdout, a file or a compressor.
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            int read;
            while ((read = source.Read(buffer, 0, BufferSize)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                destination.Write(buffer, 0, read);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    internal static WalReadException Damaged(Exception e, CompressionFormat? format) =>
        new(format is null ? e.Message : $"cannot decompress {format.Value.ToString().ToLowerInvariant()} data: {e.Message}", e);

    public void Dispose() => Stored.Dispose();

    public ValueTask DisposeAsync() => Stored.DisposeAsync();

    /// <summary>
    /// A read-only view whose read failures, and a segment of the wrong length, become <see cref="WalReadException"/>.
    /// Seekable only over plain bytes that are not counted.
    /// </summary>
    private sealed class ReadFailureStream(Stream inner, CompressionFormat? format, bool ownsInner, bool checkSegmentLength) : Stream
    {
        private readonly WalSegmentLength? _length = checkSegmentLength ? new WalSegmentLength() : null;

        /// <summary>The stored stream, when this view is the only handle on it (disposed with it).</summary>
        public Stream? OwnedStored { get; init; }

        public override bool CanRead => true;
        public override bool CanSeek => _length is null && format is null && inner.CanSeek;
        public override bool CanWrite => false;
        public override long Length => CanSeek ? inner.Length : throw new NotSupportedException();

        public override long Position
        {
            get => CanSeek ? inner.Position : throw new NotSupportedException();
            set => Seek(value, SeekOrigin.Begin);
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int read;
            try
            {
                read = inner.Read(buffer);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw Damaged(e, format);
            }
            return Checked(buffer[..read]);
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int read;
            try
            {
                read = await inner.ReadAsync(buffer, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw Damaged(e, format);
            }
            return Checked(buffer.Span[..read]);
        }

        private int Checked(ReadOnlySpan<byte> read)
        {
            if (_length is not null && _length.Add(read) is { } problem)
                throw new WalReadException(format is null ? problem : $"{problem} (after {format.Value.ToString().ToLowerInvariant()} decompression)", new EndOfStreamException(problem));
            return read.Length;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => CanSeek ? inner.Seek(offset, origin) : throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing && ownsInner)
                inner.Dispose();
            if (disposing)
                OwnedStored?.Dispose();
            base.Dispose(disposing);
        }
    }
}
